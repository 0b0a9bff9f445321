package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.GemStatus;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventStamper;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboards and rules against the real thing: events go through a real broker into an aggregator, a real
 * Prometheus scrapes it every second with the project's rules loaded, and every panel query, template
 * variable, recording rule and alert expression is evaluated through Prometheus' HTTP API.
 *
 * <p>The traffic is built so that everything has data: three hosts run the basic scenario (the first one's driver
 * then reports what the scenario leaves out: an object's status and its device's own use of VRAM), three more
 * are built to trip the memory alerts ({@link AlertScenarios}), and once Prometheus has scraped all that, a
 * malformed record, a sequence gap, a redelivered event, an MM_DRIVERPAGES mismatch and an OOM kill of the wrong process arrive.
 */
@ExtendWith(KafkaExtension.class)
class DashboardQueriesIT {

    private static final String TOPIC = "dashboards-it.events";
    private static final int PARTITIONS = 4;
    private static final List<String> BASIC_HOSTS = List.of("basic-1", "basic-2", "basic-3");
    private static final String BOOT = "boot-1";
    private static final String GAP_HOST = "basic-3";
    private static final String MISMATCH_HOST = "basic-1";
    private static final int GAP = 5;
    /** Its rule needs 100,000 unconsumed records for 5 minutes; its promtool unit test covers it instead. */
    private static final String INFEASIBLE_ALERT = "GemtrackAggregatorLagging";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    /** What Grafana would put in for the variables; the pid is the basic scenario's client, a top process. */
    private static final Map<String, String> VARIABLES = Map.of(
            "host", MISMATCH_HOST,
            "pid", "200",
            "policy", "proportional",
            "__rate_interval", "1m",
            "__interval", "15s",
            "__range", "1h");

    private static Aggregator aggregator;
    private static PrometheusServer prometheusServer;
    private static PrometheusApi prometheus;

    @BeforeAll
    static void runThePipelineWithPrometheus(TestKafka kafka) throws Exception {
        List<Event> events = new ArrayList<>();
        BASIC_HOSTS.forEach(host -> events.addAll(BasicScenario.events(host, BOOT)));
        events.addAll(driverReports(MISMATCH_HOST));
        events.addAll(AlertScenarios.containerNearMemoryMax(MISMATCH_HOST, BOOT, seqAfterDriverReports()));
        events.addAll(AlertScenarios.wrongVictim("wrong-victim"));
        events.addAll(AlertScenarios.orphanedBuffer("orphaned"));
        events.addAll(AlertScenarios.unattributedDeviceMemory("unattributed"));
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), TOPIC, TopicLayout.partitions(PARTITIONS))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();

            aggregator = new Aggregator(new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()),
                    "dashboards-it", TOPIC, TOPIC + ".dlq", "127.0.0.1", 0));
            prometheusServer = PrometheusServer.start(List.of("127.0.0.1:" + aggregator.httpPort()),
                    List.of(Tools.moduleFile("prometheus/gemtrack.rules.yml")));
            prometheus = prometheusServer.api();
            // Counters must be scraped before they grow, or Prometheus sees no increase.
            awaitData("sum(gemtrack_events_applied_total) == " + events.size());

            publishTrouble(publisher, kafka.bootstrapServers());
        }
        awaitData("sum(gemtrack_dead_letters_total) > 0");
        awaitData("sum(gemtrack_sequence_gaps_total) >= " + GAP);
        awaitData("sum(gemtrack_events_duplicate_total) > 0");
        // Rates need two scrapes of a counter; this recording rule has data once a rule evaluation saw them.
        awaitData("fleet:gemtrack_events_applied:rate1m");
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheusServer != null) {
            prometheusServer.close();
        }
        if (aggregator != null) {
            aggregator.close();
        }
    }

    /**
     * After the basic scenario: its driver reports the shared buffer half active, and the device 12 MiB of VRAM in
     * use, 4 MiB more than the buffer holds (the panels of device memory and status figures are per host).
     */
    private static List<Event> driverReports(String host) {
        EventStamper stamper = new EventStamper(host, BOOT, BasicScenario.events(host, BOOT).size());
        return List.of(
                stamper.stamp(50_000_000, new GemStatus(1, 0, BasicScenario.SHARED_BUFFER_BYTES / 2, 0)),
                stamper.stamp(50_000_001, new DeviceMemory(0, "vram", BasicScenario.SHARED_BUFFER_BYTES + (4L << 20))));
    }

    private static long seqAfterDriverReports() {
        return BasicScenario.events(MISMATCH_HOST, BOOT).size() + driverReports(MISMATCH_HOST).size();
    }

    /**
     * A malformed record, a gap, a redelivery, an MM_DRIVERPAGES sample that disagrees with the rfc charge, and an OOM
     * kill of the wrong process.
     */
    private static void publishTrouble(EventPublisher publisher, String bootstrapServers) {
        long seqAfterScenario = seqAfterDriverReports() + AlertScenarios.containerNearMemoryMax(MISMATCH_HOST, BOOT, 0).size();
        // The basic scenario's client is charged 8 MiB under rfc; a counter of 0 pages disagrees.
        publisher.publish(new EventStamper(MISMATCH_HOST, BOOT, seqAfterScenario)
                .stamp(100_000_000, new MmCounters(200, 8L << 20, 24L << 20, 0, 0, 1L << 20, 0)));
        publisher.publish(new EventStamper(GAP_HOST, BOOT, seqAfterScenario + GAP)
                .stamp(100_000_000, new MmCounters(100, 16L << 20, 32L << 20, 0, 0, 1L << 20, 0)));
        publisher.publish(BasicScenario.events("basic-2", BOOT).get(0));
        AlertScenarios.wrongKill("wrong-victim").forEach(publisher::publish);
        publisher.flushExpectingNoFailure();
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(KafkaSettings.bootstrap(bootstrapServers).producer(Map.of()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(TOPIC, "basic-2".getBytes(StandardCharsets.UTF_8),
                    "this is not an event".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void everyPanelQueryReturnsData() throws Exception {
        List<String> empty = new ArrayList<>();
        int queries = 0;
        for (Dashboards.Dashboard dashboard : Dashboards.all()) {
            for (Dashboards.Panel panel : dashboard.panels()) {
                for (JsonNode target : panel.targets()) {
                    String query = Dashboards.substitute(target.path("expr").asText(), VARIABLES);
                    queries++;
                    if (prometheus.query(query).isEmpty()) {
                        empty.add(panel + ": " + query);
                    }
                }
            }
        }
        assertThat(queries).isGreaterThan(50);
        assertThat(empty).as("panel queries without data").isEmpty();
    }

    @Test
    void everyTemplateVariableHasValues() throws Exception {
        for (Dashboards.Dashboard dashboard : Dashboards.all()) {
            for (Dashboards.Variable variable : dashboard.variables()) {
                if (variable.type().equals("query")) {
                    assertThat(labelValues(Dashboards.substitute(variable.query(), VARIABLES)))
                            .as("values of $%s in %s", variable.name(), dashboard.file())
                            .contains(VARIABLES.get(variable.name()));
                }
            }
        }
    }

    @Test
    void everyRecordingRuleHasData() throws Exception {
        List<JsonNode> recordings = prometheus.rules().stream().filter(rule -> rule.path("type").asText().equals("recording")).toList();
        assertThat(recordings).isNotEmpty();
        for (JsonNode rule : recordings) {
            awaitData(rule.path("name").asText());
        }
    }

    /**
     * Each alert but the lag one is true on the traffic built for it: its expression has data and Prometheus
     * holds the alert (firing, or pending while its {@code for} runs).
     */
    @Test
    void alertsAreTrueOnTheTrafficBuiltForThem() throws Exception {
        List<JsonNode> alerts = prometheus.rules().stream().filter(rule -> rule.path("type").asText().equals("alerting")).toList();
        assertThat(alerts).hasSize(9);
        for (JsonNode alert : alerts) {
            String name = alert.path("name").asText();
            if (!name.equals(INFEASIBLE_ALERT)) {
                awaitData(alert.path("query").asText());
                awaitAlert(name);
            }
        }
    }

    private static List<String> labelValues(String variableQuery) throws Exception {
        // label_values(selector, label): the selector's series, and the label's values among them.
        String arguments = variableQuery.substring("label_values(".length(), variableQuery.length() - 1);
        int comma = arguments.lastIndexOf(',');
        String label = arguments.substring(comma + 1).strip();
        List<String> values = new ArrayList<>();
        prometheus.query(arguments.substring(0, comma)).forEach(series -> values.add(series.path("metric").path(label).asText()));
        return values;
    }

    private static void awaitData(String query) throws Exception {
        Await.until("data for " + query, PATIENCE, () -> !prometheus.query(query).isEmpty());
    }

    private static void awaitAlert(String name) throws Exception {
        Await.until("alert " + name + " pending or firing", PATIENCE, () -> {
            for (JsonNode alert : prometheus.alerts()) {
                if (alert.path("labels").path("alertname").asText().equals(name)) {
                    return true;
                }
            }
            return false;
        });
    }
}
