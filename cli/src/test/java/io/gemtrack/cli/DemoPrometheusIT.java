package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code demo --with-prometheus}: Debian's Prometheus beside the demo, scraping its aggregator with the project's
 * rules loaded, so the alerts can be seen without Docker; its data goes with the demo's temporary directory.
 */
class DemoPrometheusIT {

    @Test
    void prometheusScrapesTheDemoWithTheRulesLoadedAndGoesWithIt() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--http-port", "0", "--hosts", "1", "--with-prometheus", "--prometheus-port", "0");
        command.validate();
        Path directory;
        try (Pipeline demo = command.start()) {
            directory = demo.directory();
            Matcher address = Pattern.compile("Prometheus +http://localhost:(\\d+)/alerts").matcher(demo.addresses());
            assertThat(address.find()).as(demo.addresses()).isTrue();
            AggregatorApi prometheus = new AggregatorApi("http://127.0.0.1:" + address.group(1));

            List<String> rules = new ArrayList<>();
            prometheus.get("/api/v1/rules").path("data").path("groups")
                    .forEach(group -> group.path("rules").forEach(rule -> rules.add(rule.path("name").asText())));
            String ruleFile = Files.readString(Path.of("../dashboards/prometheus/gemtrack.rules.yml"));
            assertThat(rules).as("the rules Prometheus loaded").isNotEmpty()
                    .allSatisfy(rule -> assertThat(ruleFile).contains(rule))
                    .contains("GemDeviceMemoryUnattributed");

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonNode result = null;
            while (System.nanoTime() < deadline) {
                result = prometheus.get("/api/v1/query?query=gemtrack_host_gem_bytes").path("data").path("result");
                if (result.size() > 0 && result.get(0).path("value").get(1).asDouble() > 0) {
                    break;
                }
                Thread.sleep(1_000);
            }
            assertThat(result).as("gemtrack_host_gem_bytes as Prometheus scraped it").hasSize(1);
            assertThat(result.get(0).path("metric").path("host").asText()).isEqualTo("host-0");
            assertThat(prometheus.get("/api/v1/targets").path("data").path("activeTargets").get(0).path("health").asText())
                    .isEqualTo("up");
        }
        assertThat(directory).as("the demo's temporary directory, Prometheus's data in it").doesNotExist();
    }
}
