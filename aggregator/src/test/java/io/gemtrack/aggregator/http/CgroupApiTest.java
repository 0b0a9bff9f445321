package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gemtrack.aggregator.kafka.ConsumerStatus;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.cgroup.CgroupAccounting;
import io.gemtrack.model.cgroup.CgroupFigures;
import io.gemtrack.policy.Policy;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cgroup routes over real sockets, on an emulated host of the mixed scenario: pods, containers and units. */
class CgroupApiTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String HOST = "host-1";

    private final FleetModel fleet = new FleetModel();
    private final SharedFleet shared = new SharedFleet(fleet);
    private final FleetHistory history = new FleetHistory(shared);
    private final AggregatorHttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PATIENCE).build();
    private final ObjectMapper json = new ObjectMapper();

    CgroupApiTest() throws IOException {
        HostSimulation host = new HostSimulation(HOST, 1, Scenarios.parse(Scenarios.MIXED), false, 1000);
        while (host.events() < 4000) {
            host.step().forEach(fleet::apply);
        }
        HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
        server = new AggregatorHttpServer("127.0.0.1", 0, new PrometheusRegistry(), new ApiHandler(shared, history, activity),
                new HealthHandler(new ConsumerStatus()));
    }

    @AfterEach
    void stop() {
        server.close();
        history.close();
    }

    @Test
    void theTreeListsEveryCgroupParentsFirstWithTheModelsFigures() throws Exception {
        JsonNode tree = get("/api/hosts/" + HOST + "/cgroups");
        HostModel model = fleet.host(HOST);
        List<CgroupFigures> expected = new ArrayList<>(CgroupAccounting.of(model).cgroups());

        List<String> paths = new ArrayList<>();
        tree.get("cgroups").forEach(cgroup -> paths.add(cgroup.get("path").asText()));
        assertThat(paths).containsExactlyElementsOf(expected.stream().map(CgroupFigures::path).toList());
        assertThat(paths.get(0)).isEqualTo("/");
        assertThat(paths).anyMatch(path -> path.contains("/cri-containerd-")).anyMatch(path -> path.contains("/docker-"))
                .anyMatch(path -> path.contains("/libpod-")).anyMatch(path -> path.endsWith(".service"));
        for (int i = 0; i < expected.size(); i++) {
            JsonNode cgroup = tree.get("cgroups").get(i);
            for (Policy policy : Policy.all()) {
                assertThat(cgroup.get("charged").get(policy.name()).asLong()).as("%s %s", paths.get(i), policy)
                        .isEqualTo(expected.get(i).charged().get(policy));
            }
            assertThat(cgroup.get("processes").asInt()).isEqualTo(expected.get(i).pids().size());
        }
        JsonNode container = find(tree, "/cri-containerd-");
        assertThat(container.get("names").get("runtime").asText()).isEqualTo("containerd");
        assertThat(container.get("names").get("podUid").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void oneCgroupHasItsProcessesBuffersAndWhatKillingItFrees() throws Exception {
        JsonNode pod = find(get("/api/hosts/" + HOST + "/cgroups"), "kubepods-burstable-pod");
        String path = pod.get("path").asText();
        CgroupFigures expected = CgroupAccounting.of(fleet.host(HOST)).cgroup(path).orElseThrow();

        JsonNode detail = get("/api/hosts/" + HOST + "/cgroups" + path);

        assertThat(detail.get("cgroup").get("path").asText()).isEqualTo(path);
        List<Integer> pids = new ArrayList<>();
        detail.get("processes").forEach(process -> pids.add(process.get("pid").asInt()));
        assertThat(pids).containsExactlyInAnyOrderElementsOf(expected.pids());
        assertThat(detail.get("whatIfKilled").get("freedBytes").asLong()).isEqualTo(expected.freedByKillBytes());
        assertThat(detail.get("children")).isNotEmpty();
        assertThat(detail.get("cgroup").get("usage").get("memoryMaxBytes").asLong()).isPositive();
        assertThat(detail.get("cgroup").get("memcgOom").get("holder").has("victim")).isTrue();
    }

    @Test
    void anUnknownCgroupIsNotFound() throws Exception {
        HttpResponse<String> unknown = send("/api/hosts/" + HOST + "/cgroups/no.slice/none.service");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown cgroup /no.slice/none.service");
    }

    private static JsonNode find(JsonNode tree, String part) {
        for (JsonNode cgroup : tree.get("cgroups")) {
            if (cgroup.get("path").asText().contains(part)) {
                return cgroup;
            }
        }
        throw new AssertionError("no cgroup with " + part + " in " + tree);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(PATIENCE).GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
