package io.gemtrack.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.build.BuildInfo;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventStamper;
import io.gemtrack.model.FleetModel;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.Exposition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** docs/METRICS.md is the contract with the dashboards: it must name exactly what the exposition holds. */
class MetricsDocumentationTest {

    /** A table row of the page: | `name` | type | labels | meaning |. */
    private static final Pattern ROW = Pattern.compile("^\\| `(gemtrack_[a-z_]+)` \\| (\\w+) \\|([a-z_, ]*)\\|");
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
    private static final Pattern HELP = Pattern.compile("^# HELP (\\S+) (.*)$", Pattern.MULTILINE);

    private record Documented(String type, Set<String> labels) {
    }

    @Test
    void everyExportedMetricIsDocumentedWithItsTypeAndLabels() throws IOException {
        Exposition scrape = scrapeWithEverySeries();

        Map<String, Documented> exported = new TreeMap<>();
        Matcher type = TYPE.matcher(scrape.text());
        while (type.find()) {
            if (type.group(1).startsWith("gemtrack_")) {
                exported.put(type.group(1), new Documented(type.group(2), labelsOf(scrape, type.group(1))));
            }
        }
        assertThat(exported).isEqualTo(documented());
    }

    /** The JVM's metrics are client_java's, documented there; the page names these, so they must be exported. */
    @Test
    void theJvmAndProcessMetricsThePageNamesAreExported() {
        Exposition scrape = scrapeWithEverySeries();

        assertThat(scrape.samples()).extracting(Exposition.Sample::name)
                .contains("jvm_memory_used_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes",
                        "process_open_fds", "jvm_threads_current");
    }

    @Test
    void buildInfoNamesTheVersionMavenBuilt() {
        assertThat(scrapeWithEverySeries().value("gemtrack_build_info", "version", BuildInfo.version())).hasValue(1.0);
        assertThat(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void everyExportedMetricHasHelpText() {
        Exposition scrape = scrapeWithEverySeries();

        Map<String, String> help = new TreeMap<>();
        Matcher line = HELP.matcher(scrape.text());
        while (line.find()) {
            help.put(line.group(1), line.group(2).strip());
        }
        Matcher type = TYPE.matcher(scrape.text());
        while (type.find()) {
            assertThat(help.get(type.group(1))).as("HELP of %s", type.group(1)).isNotBlank();
        }
    }

    private static Set<String> labelsOf(Exposition scrape, String name) {
        return scrape.samples().stream()
                .filter(sample -> sample.name().equals(name) || sample.name().equals(name + "_bucket"))
                .flatMap(sample -> sample.labels().keySet().stream())
                .filter(label -> !label.equals("le"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, Documented> documented() throws IOException {
        Map<String, Documented> documented = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("../docs/METRICS.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                Set<String> labels = Arrays.stream(row.group(3).split(","))
                        .map(String::strip)
                        .filter(label -> !label.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new));
                documented.put(row.group(1), new Documented(row.group(2), labels));
            }
        }
        return documented;
    }

    /**
     * An aggregator's metrics after the basic scenario, a device's report of its own use of a region (whose series
     * only such regions have), the client moved into a container with a memory.max (whose series only limited
     * cgroups have) and one of every pipeline occurrence.
     */
    private static Exposition scrapeWithEverySeries() {
        FleetModel fleet = new FleetModel();
        List<Event> events = BasicScenario.events("host-a", "boot-1");
        events.forEach(fleet::apply);
        EventStamper stamper = new EventStamper("host-a", "boot-1", events.size());
        long ts = events.get(events.size() - 1).ts();
        String container = "/system.slice/docker-" + "0123456789abcdef".repeat(4) + ".scope";
        for (EventBody body : List.of(new DeviceMemory(0, "vram", 64L << 20), new ProcessMigrate(200, container),
                new ResourceUsage(container, 40L << 20, 64L << 20, List.of(new DmemRegion(0, "vram", 8L << 20, EventBody.NO_LIMIT))))) {
            fleet.apply(stamper.stamp(ts += 1_000_000, body));
        }
        HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
        activity.heard("host-a", HostActivity.Receipt.now());
        PrometheusRegistry registry = new PrometheusRegistry();
        AggregatorMetrics metrics = new AggregatorMetrics(registry, new SharedFleet(fleet), activity);
        metrics.applied("GemCreate");
        metrics.duplicate();
        metrics.skipped();
        metrics.applyDuration(5_000);
        metrics.consumerLag(Map.of(new TopicPartition("gemtrack.events", 0), 3L));
        return Scrape.of(registry);
    }
}
