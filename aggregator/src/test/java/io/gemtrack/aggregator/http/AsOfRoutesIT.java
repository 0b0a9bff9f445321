package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.aggregator.kafka.RecordedStream;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.model.cgroup.CgroupAccounting;
import io.gemtrack.model.cgroup.CgroupFigures;
import io.gemtrack.oom.OomPostMortems;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every host route with {@code at=TIME}, through a real broker: for random instants of a recorded stream each answers
 * what the same route answers live on an aggregator-free model folded from exactly the host's events before the
 * instant, carries what could be told of the host then, and a page's routes about one instant fold it once.
 */
@ExtendWith(KafkaExtension.class)
class AsOfRoutesIT {

    private static final String TOPIC = "as-of-routes-it.events";
    private static final int PARTITIONS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    private static final HostActivity ACTIVITY = new HostActivity(HostActivity.Expiry.DEFAULT);

    @Test
    void everyRouteAsOfAnInstantAnswersAsTheLiveRouteOnTheFoldOfTheEventsBeforeIt(TestKafka kafka) throws Exception {
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        RecordedStream stream = RecordedStream.record(settings, TOPIC, PARTITIONS,
                new FleetSimulation(3, 23, Scenarios.parse("mixed"), false, 300), 6_000);
        FleetModel live = new FleetModel();
        stream.stored().forEach(record -> OomPostMortems.apply(live, record.event(), record.timestamp()));
        String liveCheckpoint = checkpointOf(live, "host-1");

        try (AsOfAnswers asOf = new AsOfAnswers(() -> new HostReplay(settings, TOPIC));
             FleetServer server = new FleetServer(new SharedFleet(live), REGISTRY, ACTIVITY, asOf)) {
            Random random = new Random(7);
            long first = stream.firstTimestamp();
            long last = stream.lastTimestamp();
            int routesChecked = 0;
            boolean sawKills = false;
            boolean sawCgroups = false;
            for (int question = 0; question < 8; question++) {
                String host = FleetSimulation.hostName(random.nextInt(3));
                long at = question == 0 ? last + 1 : first + (long) (random.nextDouble() * (last - first + 1));
                HostModel expected = stream.foldBefore(host, at);
                FleetModel alone = new FleetModel();
                alone.put(expected);
                List<String> routes = routesOf(expected);
                sawKills |= !expected.oomKills().isEmpty();
                sawCgroups |= routes.stream().anyMatch(route -> route.startsWith("cgroups/"));
                long foldsBefore = asOf.folds();
                try (FleetServer folded = new FleetServer(new SharedFleet(alone), REGISTRY, ACTIVITY)) {
                    for (String route : routes) {
                        String path = "/api/hosts/" + host + "/" + route;
                        HttpResponse<String> want = folded.get(path);
                        HttpResponse<String> got = server.get(path + (route.contains("?") ? "&" : "?") + "at=" + at);
                        assertThat(got.statusCode()).as("%s as of %d", path, at).isEqualTo(want.statusCode());
                        assertThat(got.body()).as("%s as of %d", path, at).isEqualTo(want.body());
                        JsonNode facts = JSON.readTree(got.headers().firstValue(ApiHandler.AS_OF_HEADER).orElseThrow());
                        assertThat(facts.get("host").asText()).isEqualTo(host);
                        assertThat(facts.get("atEpochMillis").asLong()).isEqualTo(at);
                        assertThat(facts.get("eventsFolded").asLong()).isEqualTo(stream.recordsBefore(host, at).size());
                        boolean older = at < stream.oldestOfPartition(host);
                        assertThat(facts.get("olderThanRetained").asBoolean()).isEqualTo(older);
                        assertThat(facts.get("note").asText()).isEqualTo(older
                                ? "the instant is older than the oldest retained event (" + Instant.ofEpochMilli(stream.oldestOfPartition(host))
                                + "): nothing is known of the host then" : "every event of the host before the instant was folded");
                        routesChecked++;
                    }
                }
                assertThat(asOf.folds() - foldsBefore).as("folds for the %d routes of %s as of %d", routes.size(), host, at)
                        .isEqualTo(1);
            }
            assertThat(routesChecked).isGreaterThan(8 * 13);
            assertThat(sawKills).as("instants after OOM kills").isTrue();
            assertThat(sawCgroups).as("instants with cgroups below the root").isTrue();

            // A page asks its routes about one instant at once: one fold answers them all.
            long at = first + (last - first) / 2;
            long foldsBefore = asOf.folds();
            List<CompletableFuture<HttpResponse<String>>> page = new ArrayList<>();
            for (String route : List.of("", "processes?policy=rfc", "buffers?sort=size&limit=60", "oom", "cgroups", "oom-kills")) {
                String path = "/api/hosts/host-2" + (route.isEmpty() ? "" : "/" + route);
                page.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return server.get(path + (route.contains("?") ? "&" : "?") + "at=" + at);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<HttpResponse<String>> answer : page) {
                assertThat(answer.join().statusCode()).isEqualTo(200);
                assertThat(answer.join().headers().firstValue(ApiHandler.AS_OF_HEADER)).isPresent();
            }
            assertThat(asOf.folds() - foldsBefore).as("folds for a page's routes at one instant").isEqualTo(1);

            // Before the oldest retained record nothing can be told, and every route says so.
            HttpResponse<String> before = server.get("/api/hosts/host-0/processes?policy=rss&at=" + (first - 60_000));
            assertThat(before.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(before.body()).get("total").asInt()).isZero();
            JsonNode facts = JSON.readTree(before.headers().firstValue(ApiHandler.AS_OF_HEADER).orElseThrow());
            assertThat(facts.get("olderThanRetained").asBoolean()).isTrue();
            assertThat(facts.get("note").asText()).contains("older than the oldest retained event");

            for (String liveOnly : List.of("history", "exits", "exits/1")) {
                HttpResponse<String> refused = server.get("/api/hosts/host-0/" + liveOnly + "?at=" + at);
                assertThat(refused.statusCode()).as(liveOnly).isEqualTo(400);
                assertThat(JSON.readTree(refused.body()).get("error").asText()).contains("live only").contains("what-if-killed")
                        .contains("checkpoint");
            }
            assertThat(server.get("/api/hosts/host-0/oom?at=soon").statusCode()).isEqualTo(400);
            assertThat(server.get("/api/hosts/no-such-host/oom?at=" + at).statusCode()).isEqualTo(404);
            assertThat(checkpointOf(live, "host-1")).as("the live model after the questions").isEqualTo(liveCheckpoint);
        }
    }

    /** The routes of a host asked about: every one that takes {@code at}, with its pages, sorts and policies. */
    private static List<String> routesOf(HostModel model) {
        List<String> routes = new ArrayList<>(List.of("processes?policy=rfc", "processes?policy=holder&sort=pid&limit=3&offset=1",
                "buffers", "buffers?sort=size&limit=7&offset=2", "oom", "oom?policy=rss", "oom?policy=freeable", "cgroups",
                "oom-kills", "checkpoint", "processes/999999", "buffers/999999999", "processes?policy=nonsense"));
        model.processes().stream().max(Comparator.comparingInt(process -> model.objectsOf(process).size())).map(Process::pid)
                .ifPresent(pid -> routes.addAll(List.of("processes/" + pid, "processes/" + pid + "?sort=size&limit=2",
                        "processes/" + pid + "/what-if-killed")));
        model.objects().stream().map(GemObject::id).max(Comparator.naturalOrder()).ifPresent(id -> routes.add("buffers/" + id));
        CgroupAccounting.of(model).cgroups().stream().map(CgroupFigures::path).filter(path -> !path.equals("/"))
                .max(Comparator.comparingInt(String::length)).ifPresent(path -> routes.add("cgroups" + path));
        return routes;
    }

    private static String checkpointOf(FleetModel fleet, String host) {
        return new String(new CheckpointCodec().encode(fleet.host(host).checkpoint()), StandardCharsets.UTF_8);
    }
}
