package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule files pass Prometheus' own checker and their unit tests ({@code promtool test rules}). */
class PromtoolTest {

    @Test
    void rulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "prometheus/gemtrack.rules.yml")).contains("SUCCESS");
    }

    @Test
    void composeConfigurationIsValidAndFindsTheRules() throws Exception {
        assertThat(promtool("check", "config", "prometheus/prometheus.yml")).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void everyAlertPassesItsUnitTests() throws Exception {
        assertThat(promtool("test", "rules", "prometheus/tests/alerts.test.yml")).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTest() throws IOException {
        String rules = java.nio.file.Files.readString(Tools.moduleFile("prometheus/gemtrack.rules.yml"));
        String tests = java.nio.file.Files.readString(Tools.moduleFile("prometheus/tests/alerts.test.yml"));
        List<String> alerts = rules.lines().map(String::strip).filter(line -> line.startsWith("- alert: "))
                .map(line -> line.substring("- alert: ".length())).toList();
        assertThat(alerts).containsExactlyInAnyOrder("GemUnaccountedMemoryHigh", "GemOomVictimMismatch",
                "GemCounterImbalance", "GemtrackAggregatorLagging", "GemtrackSequenceGaps", "GemtrackDeadLetters");
        for (String alert : alerts) {
            assertThat(tests).as("unit test for " + alert).contains("alertname: " + alert);
        }
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Tools.require("promtool").toString()));
        for (String arg : args) {
            command.add(arg.startsWith("prometheus/") ? Tools.moduleFile(arg).toString() : arg);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("promtool %s exit status; output:%n%s", String.join(" ", args), output).isZero();
        return output;
    }
}
