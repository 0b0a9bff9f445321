package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gemtrack.testkit.Exposition;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;

/**
 * The compose demo comes up: the image builds, the producer's hosts reach the aggregator through the Kafka
 * container, Prometheus scrapes them with the rules loaded, and Grafana has the dashboards and reaches
 * Prometheus through its provisioned data source. Needs a Docker engine with Compose v2; skipped with the
 * reason where there is none (ComposeConfigTest still validates the file).
 */
@ExtendWith(ComposeStackIT.NeedsDockerAndCompose.class)
class ComposeStackIT {

    /** The producer's {@code --hosts} in the compose file. */
    private static final int PRODUCED_HOSTS = 5;
    /** For each service to answer and each figure to arrive, once {@code up --build} (which has no time limit) is done. */
    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Grafana's first-start administrator: the compose file leaves the default. */
    private static final String GRAFANA_ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.US_ASCII));

    private static ComposeContainer stack;

    /** Skips the class, with the reason, where no Docker engine or no Compose v2 answers. */
    static final class NeedsDockerAndCompose implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return ConditionEvaluationResult.disabled(
                        "skipped: no Docker engine answers here (ComposeConfigTest validates the compose file without one)");
            }
            return composeV2Missing()
                    .map(reason -> ConditionEvaluationResult.disabled("skipped: " + reason))
                    .orElse(ConditionEvaluationResult.enabled("Docker engine and Compose v2 available"));
        }
    }

    @BeforeAll
    static void bringUpTheStack() {
        stack = new ComposeContainer(ComposeConfigTest.COMPOSE_FILE.toFile())
                .withLocalCompose(true)
                .withBuild(true)
                // Free host ports rather than the demo's, so the test never collides with a demo already running.
                // (Kafka advertises its host port to clients, so it must be a real one, not Docker's "any".)
                .withEnv(Map.of("KAFKA_PORT", Tools.freePort(), "AGGREGATOR_PORT", Tools.freePort(),
                        "PROMETHEUS_PORT", Tools.freePort(), "GRAFANA_PORT", Tools.freePort()))
                .withExposedService("aggregator", 9400, answering("/metrics"))
                .withExposedService("prometheus", 9090, answering("/-/ready"))
                .withExposedService("grafana", 3000, answering("/api/health"));
        stack.start();
    }

    @AfterAll
    static void tearDown() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void theAggregatorFoldsEveryHostTheProducerSent() throws Exception {
        Await.until("the aggregator to show the " + PRODUCED_HOSTS + " produced hosts", PATIENCE, () ->
                Exposition.scrape(address("aggregator", 9400) + "/metrics").value("gemtrack_hosts").orElse(0.0) == PRODUCED_HOSTS);
    }

    @Test
    void prometheusScrapesTheAggregatorWithTheRulesLoaded() throws Exception {
        PrometheusApi prometheus = new PrometheusApi(URI.create(address("prometheus", 9090)));
        Await.until("Prometheus to scrape the produced hosts", PATIENCE,
                () -> !prometheus.query("sum(gemtrack_hosts) == " + PRODUCED_HOSTS).isEmpty());
        assertThat(prometheus.rules()).filteredOn(rule -> rule.path("type").asText().equals("alerting")).hasSize(6);
    }

    @Test
    void grafanaHasTheDashboardsAndQueriesPrometheusThroughItsDataSource() throws Exception {
        String grafana = address("grafana", 3000);
        Set<String> expected = Set.of("gemtrack-fleet", "gemtrack-host", "gemtrack-process", "gemtrack-policies",
                "gemtrack-pipeline");
        // Grafana may answer its health check before its file provider has read the dashboards.
        Await.until("Grafana to provision the five dashboards", PATIENCE, () -> {
            Set<String> uids = new HashSet<>();
            JSON.readTree(grafanaGet(grafana + "/api/search?tag=gemtrack")).forEach(found -> uids.add(found.path("uid").asText()));
            return uids.equals(expected);
        });
        String throughDataSource = grafana + "/api/datasources/proxy/uid/gemtrack-prometheus/api/v1/query?query=gemtrack_hosts";
        Await.until("Grafana to query gemtrack_hosts through its data source", PATIENCE, () -> {
            JsonNode result = JSON.readTree(grafanaGet(throughDataSource)).path("data").path("result");
            return !result.isEmpty();
        });
    }

    private static WaitStrategy answering(String path) {
        return Wait.forHttp(path).forStatusCode(200).withStartupTimeout(PATIENCE);
    }

    /** Why Compose v2 ({@code docker compose}) cannot run here, if it cannot. */
    private static Optional<String> composeV2Missing() {
        try {
            Process process = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor() == 0 ? Optional.empty()
                    : Optional.of("a Docker engine answers but 'docker compose' (Compose v2) does not: " + output.strip());
        } catch (IOException e) {
            return Optional.of("no docker command to run Compose v2 with: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while looking for Compose v2");
        }
    }

    private static String address(String service, int port) {
        return "http://" + stack.getServiceHost(service, port) + ":" + stack.getServicePort(service, port);
    }

    /** A GET to Grafana's API as its administrator. */
    private static String grafanaGet(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", GRAFANA_ADMIN).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }
}
