package io.gemtrack.aggregator.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.OomPostMortem;
import io.gemtrack.model.differential.HostFigures;
import io.gemtrack.model.differential.OomKillFigures;
import io.gemtrack.producer.scenario.Scenario;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.producer.truth.HostTruth;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential check end to end: every scenario, a few seeds each, one emulated host per pair, through the
 * real broker into a running aggregator; every figure read back through the JSON API must equal the emulator's
 * ground truth after the host's last event, and every OOM kill's post-mortem the kernel's own account of it.
 */
@ExtendWith(KafkaExtension.class)
class EmulatorDifferentialIT {

    private static final int SEEDS = 3;
    private static final long EVENTS_PER_HOST = 3_000;
    private static final long SNAPSHOT_EVERY = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void figuresServedForEveryScenarioMatchTheGroundTruth(TestKafka kafka) throws Exception {
        String topic = "emulator-differential-it.events";
        Map<String, HostTruth> truths = new HashMap<>();
        Map<String, List<OomKillFigures>> kills = new HashMap<>();
        List<Event> events = new ArrayList<>();
        for (String scenario : Scenarios.names()) {
            List<Scenario> scenarios = Scenarios.parse(scenario);
            for (long seed = 1; seed <= SEEDS; seed++) {
                HostSimulation host = new HostSimulation(scenario + "-" + seed, seed, scenarios, seed == SEEDS, SNAPSHOT_EVERY);
                List<OomKillFigures> hostKills = new ArrayList<>();
                while (host.events() < EVENTS_PER_HOST) {
                    events.addAll(host.step());
                    host.takeOomKills().forEach(kill -> hostKills.add(OomKillFigures.fromTruth(kill)));
                }
                truths.put(host.host(), host.truth());
                // The API keeps the last kills of each host, newest first.
                Collections.reverse(hostKills);
                kills.put(host.host(), hostKills.subList(0, Math.min(hostKills.size(), HostModel.OOM_KILLS_KEPT)));
            }
        }
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), topic, TopicLayout.partitions(4))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
        try (Aggregator aggregator = new Aggregator(new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()),
                "emulator-differential-it", topic, topic + ".dlq", "127.0.0.1", 0))) {
            ApiClient api = new ApiClient(aggregator.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == truths.size() && allCaughtUp(hosts, truths));

            for (HostTruth truth : truths.values()) {
                assertThat(HostFigures.fromApi(api, truth.host())).as("host %s", truth.host())
                        .usingRecursiveComparison().isEqualTo(HostFigures.fromTruth(truth));
                List<OomKillFigures> served = new ArrayList<>();
                for (JsonNode kill : api.get("/api/hosts/" + truth.host() + "/oom-kills").body()) {
                    served.add(OomKillFigures.of(JSON.treeToValue(kill, OomPostMortem.class)));
                }
                assertThat(served).as("OOM kills of host %s", truth.host()).usingRecursiveComparison()
                        .isEqualTo(kills.get(truth.host()));
            }
            assertThat(kills.values()).as("hosts run out of memory").anyMatch(hostKills -> !hostKills.isEmpty());
            List<Long> fleetOrder = new ArrayList<>();
            api.get("/api/oom-kills").body().forEach(kill -> fleetOrder.add(kill.get("epochMillis").asLong()));
            assertThat(fleetOrder).hasSize(kills.values().stream().mapToInt(List::size).sum())
                    .isSortedAccordingTo(Comparator.reverseOrder());
        }
    }

    private static boolean allCaughtUp(JsonNode hosts, Map<String, HostTruth> truths) {
        for (JsonNode host : hosts) {
            if (host.get("lastSeq").asLong() != truths.get(host.get("host").asText()).seq()) {
                return false;
            }
        }
        return true;
    }
}
