package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
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
        String rules = Files.readString(Tools.moduleFile("prometheus/gemtrack.rules.yml"));
        String tests = Files.readString(Tools.moduleFile("prometheus/tests/alerts.test.yml"));
        List<String> alerts = rules.lines().map(String::strip).filter(line -> line.startsWith("- alert: "))
                .map(line -> line.substring("- alert: ".length())).toList();
        assertThat(alerts).containsExactlyInAnyOrder("GemUnaccountedMemoryHigh", "GemDeviceMemoryUnattributed", "GemCgroupNearMemoryMax",
                "GemOomVictimMismatch", "GemOomKillFreedFarLessThanBest",
                "GemCounterImbalance", "GemtrackAggregatorLagging", "GemtrackSequenceGaps", "GemtrackDeadLetters");
        for (String alert : alerts) {
            assertThat(tests).as("unit test for " + alert).contains("alertname: " + alert);
        }
    }

    /** promtool with the given arguments, those naming files of this module resolved wherever Maven runs. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        String[] resolved = Arrays.stream(args)
                .map(arg -> arg.startsWith("prometheus/") ? Tools.moduleFile(arg).toString() : arg)
                .toArray(String[]::new);
        return Tools.run("promtool", resolved);
    }
}
