package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker/docker-compose.yml is valid Compose (checked by Debian's docker-compose 1.29, which needs no Docker
 * engine) and runs the very files the other tests check: the Prometheus configuration and rules promtool
 * passes, and the dashboards and provisioning that DashboardQueriesIT and DashboardLintTest read.
 * ComposeStackIT starts the stack where an engine exists.
 */
class ComposeConfigTest {

    static final Path COMPOSE_FILE = Tools.projectFile("docker/docker-compose.yml");

    private static final YAMLMapper YAML = new YAMLMapper();

    /** The configuration as Compose resolves it: defaults put in for variables, every path absolute. */
    private static JsonNode resolved;

    @BeforeAll
    static void resolve() throws Exception {
        resolved = YAML.readTree(compose("config"));
    }

    @Test
    void composeFindsNothingWrong() throws Exception {
        // Quiet validation prints nothing at all, not even a warning about an unset variable.
        assertThat(compose("config", "-q")).isEmpty();
    }

    @Test
    void theDemoHasKafkaProducerAggregatorPrometheusAndGrafana() {
        List<String> services = new ArrayList<>();
        resolved.path("services").fieldNames().forEachRemaining(services::add);
        assertThat(services).containsExactlyInAnyOrder("kafka", "producer", "aggregator", "prometheus", "grafana");
        assertThat(service("kafka").path("image").asText()).isEqualTo("apache/kafka:4.1.1");
        for (String gemtrack : List.of("producer", "aggregator")) {
            JsonNode build = service(gemtrack).path("build");
            assertThat(Path.of(build.path("context").asText())).as("build context of %s", gemtrack)
                    .isEqualTo(Tools.projectFile(""));
            assertThat(build.path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        }
    }

    /** Compose creates a missing bind-mount source as an empty directory, which would hide a wrong path. */
    @Test
    void everyMountedPathIsInTheRepository() {
        resolved.path("services").forEach(service -> mounts(service).keySet().forEach(source -> {
            assertThat(source).startsWith(Tools.projectFile("").toString());
            assertThat(Path.of(source)).exists();
        }));
    }

    @Test
    void prometheusRunsTheCheckedConfigurationAndRules() {
        Map<String, String> mounts = mounts(service("prometheus"));
        assertThat(mounts).containsEntry(Tools.projectFile("dashboards/prometheus/prometheus.yml").toString(),
                "/etc/prometheus/prometheus.yml");
        // prometheus.yml names the rule file relative to itself.
        assertThat(mounts).containsEntry(Tools.projectFile("dashboards/prometheus/gemtrack.rules.yml").toString(),
                "/etc/prometheus/gemtrack.rules.yml");
    }

    @Test
    void prometheusScrapesTheAggregatorWhereItListens() throws IOException {
        JsonNode prometheusConfig = YAML.readTree(Tools.moduleFile("prometheus/prometheus.yml").toFile());
        String target = prometheusConfig.path("scrape_configs").get(0).path("static_configs").get(0).path("targets").get(0).asText();
        List<String> command = new ArrayList<>();
        service("aggregator").path("command").forEach(argument -> command.add(argument.asText()));
        assertThat(target).isEqualTo("aggregator:" + command.get(command.indexOf("--http-port") + 1));
    }

    @Test
    void grafanaLoadsTheTestedDashboardsFromWhereTheProvisioningLooks() throws IOException {
        Map<String, String> mounts = mounts(service("grafana"));
        JsonNode provider = YAML.readTree(Tools.moduleFile("grafana/provisioning/dashboards/gemtrack.yml").toFile())
                .path("providers").get(0);
        assertThat(mounts).containsEntry(Tools.projectFile("dashboards/grafana/dashboards").toString(),
                provider.path("options").path("path").asText());
        assertThat(mounts).containsEntry(Tools.projectFile("dashboards/grafana/provisioning").toString(),
                "/etc/grafana/provisioning");
        JsonNode dataSource = YAML.readTree(Tools.moduleFile("grafana/provisioning/datasources/gemtrack.yml").toFile())
                .path("datasources").get(0);
        assertThat(dataSource.path("url").asText()).isEqualTo("http://prometheus:9090");
    }

    private static JsonNode service(String name) {
        return resolved.path("services").path(name);
    }

    /** A service's bind mounts, host path to container path ({@code source:target[:mode]} once resolved). */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> mounts = new HashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[0], parts[1]);
        }
        return mounts;
    }

    private static String compose(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-f", COMPOSE_FILE.toString()));
        command.addAll(List.of(args));
        assertThat(Files.exists(COMPOSE_FILE)).as("%s exists", COMPOSE_FILE).isTrue();
        return Tools.run("docker-compose", command.toArray(String[]::new));
    }
}
