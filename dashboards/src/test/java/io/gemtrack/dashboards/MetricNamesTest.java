package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The rules, their unit tests and the dashboards name only metrics that docs/METRICS.md documents, and the
 * aggregator's MetricsDocumentationTest keeps that page equal to what it exports: a renamed metric fails here
 * at once, without the minutes of DashboardQueriesIT (and for the promtool tests, which could pass on any name).
 */
class MetricNamesTest {

    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(gemtrack_[a-z_]+)` \\|", Pattern.MULTILINE);
    /** A metric name; not a part of a recording rule's name such as {@code fleet:gemtrack_host_gem_bytes:sum}. */
    private static final Pattern USED = Pattern.compile("(?<![:\\w])gemtrack_[a-z_]+(?![:\\w])");
    /** The series a histogram is exposed as. */
    private static final Pattern HISTOGRAM_SERIES = Pattern.compile("_(bucket|sum|count)$");

    @Test
    void everyMetricNamedInRulesTestsAndDashboardsIsDocumented() throws IOException {
        Set<String> documented = names(DOCUMENTED, Files.readString(Tools.projectFile("docs/METRICS.md")));
        assertThat(documented).hasSizeGreaterThan(20);

        List<Path> files = new ArrayList<>(List.of(Tools.moduleFile("prometheus/gemtrack.rules.yml"),
                Tools.moduleFile("prometheus/tests/alerts.test.yml")));
        Dashboards.all().forEach(dashboard -> files.add(Tools.moduleFile("grafana/dashboards/" + dashboard.file())));
        List<String> undocumented = new ArrayList<>();
        for (Path file : files) {
            Set<String> used = names(USED, Files.readString(file));
            assertThat(used).as("metrics named in %s", file).isNotEmpty();
            used.stream()
                    .filter(name -> !documented.contains(name) && !documented.contains(HISTOGRAM_SERIES.matcher(name).replaceFirst("")))
                    .forEach(name -> undocumented.add(file.getFileName() + ": " + name));
        }
        assertThat(undocumented).as("metric names docs/METRICS.md does not know").isEmpty();
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            names.add(matcher.groupCount() > 0 ? matcher.group(1) : matcher.group());
        }
        return names;
    }
}
