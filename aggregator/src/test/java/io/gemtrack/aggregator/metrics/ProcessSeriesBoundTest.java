package io.gemtrack.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemStatus;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventStamper;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.StatusFigure;
import io.gemtrack.testkit.Exposition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A host's series stay bounded however many processes it runs, and the bounded series still add up. */
class ProcessSeriesBoundTest {

    private static final long PAGE = EventBody.PAGE_SIZE;
    private static final int FIRST_PID = 1000;

    @Test
    void seriesPerHostDoNotGrowWithItsProcesses() {
        long seriesOf100 = hostSeries(scrape(busyFleet("busy", 100), 10), "busy");
        Exposition scrape = scrape(busyFleet("busy", 10_000), 10);

        assertThat(hostSeries(scrape, "busy")).isEqualTo(seriesOf100);
        long perProcessSeries = scrape.samples().stream()
                .filter(sample -> sample.name().startsWith("gemtrack_process_"))
                .count();
        // Top 10 plus "other", for each policy, for the freed-by-kill figure and for each driver status figure.
        assertThat(perProcessSeries).isLessThanOrEqualTo(11L * (Policy.all().size() + 1 + StatusFigure.values().length));
    }

    @Test
    void topProcessesAreTheLargestAndOtherHoldsTheRest() {
        int processes = 10_000;
        Exposition scrape = scrape(busyFleet("busy", processes), 3);

        // Process i pins (i + 1) pages: the largest are the last pids.
        int largest = FIRST_PID + processes - 1;
        assertThat(charged(scrape, "resident").stream().map(sample -> sample.labels().get("pid")))
                .containsExactlyInAnyOrder(Integer.toString(largest), Integer.toString(largest - 1),
                        Integer.toString(largest - 2), ProcessMetrics.OTHER);
        for (Policy policy : Policy.all()) {
            double sum = charged(scrape, policy.name()).stream().mapToDouble(Exposition.Sample::value).sum();
            assertThat(sum).as("sum over pid under %s", policy)
                    .isEqualTo(scrape.value("gemtrack_host_charged_bytes", "host", "busy", "policy", policy.name()).orElseThrow());
        }
    }

    @Test
    void statusFiguresOfTheTopProcessesAndOtherAddUpToTheHostsFigures() {
        int processes = 1_000;
        Exposition scrape = scrape(busyFleet("busy", processes), 3);

        // Every third process's buffer is purgeable and the largest are the last pids.
        int largest = FIRST_PID + processes - 1;
        assertThat(status(scrape, "purgeable").stream().map(sample -> sample.labels().get("pid")))
                .containsExactlyInAnyOrder(Integer.toString(largest), Integer.toString(largest - 3),
                        Integer.toString(largest - 6), ProcessMetrics.OTHER);
        for (StatusFigure figure : StatusFigure.values()) {
            double sum = status(scrape, figure.name()).stream().mapToDouble(Exposition.Sample::value).sum();
            assertThat(sum).as("sum over pid of %s", figure)
                    .isEqualTo(scrape.value("gemtrack_host_status_bytes", "host", "busy", "figure", figure.name()).orElseThrow());
        }
        assertThat(scrape.value("gemtrack_host_status_bytes", "host", "busy", "figure", "purgeable").orElseThrow()).isPositive();
    }

    @Test
    void zeroTopProcessesLeavesOnlyOther() {
        Exposition scrape = scrape(busyFleet("busy", 50), 0);

        assertThat(charged(scrape, "rfc")).singleElement()
                .satisfies(sample -> assertThat(sample.labels()).containsEntry("pid", ProcessMetrics.OTHER));
    }

    private static List<Exposition.Sample> charged(Exposition scrape, String policy) {
        return scrape.samples().stream()
                .filter(sample -> sample.name().equals("gemtrack_process_charged_bytes")
                        && sample.labels().get("policy").equals(policy))
                .toList();
    }

    private static List<Exposition.Sample> status(Exposition scrape, String figure) {
        return scrape.samples().stream()
                .filter(sample -> sample.name().equals("gemtrack_process_status_bytes")
                        && sample.labels().get("figure").equals(figure))
                .toList();
    }

    private static long hostSeries(Exposition scrape, String host) {
        return scrape.samples().stream().filter(sample -> host.equals(sample.labels().get("host"))).count();
    }

    private static Exposition scrape(FleetModel fleet, int topProcesses) {
        PrometheusRegistry registry = new PrometheusRegistry();
        new AggregatorMetrics(registry, new SharedFleet(fleet), new HostActivity(HostActivity.Expiry.DEFAULT), topProcesses);
        return Scrape.of(registry);
    }

    /**
     * A host whose every process has a DRM file and one pinned buffer of its own, each a page larger than the last;
     * the driver reports every third buffer (the last process's first) purgeable and a page of every buffer active.
     */
    private static FleetModel busyFleet(String host, int processes) {
        FleetModel fleet = new FleetModel();
        EventStamper stamper = new EventStamper(host, "boot-1");
        apply(fleet, stamper, new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 1L << 40))));
        for (int i = 0; i < processes; i++) {
            int pid = FIRST_PID + i;
            long bytes = (i + 1) * PAGE;
            apply(fleet, stamper, new ProcessFork(pid, 1, "proc-" + i, false));
            apply(fleet, stamper, new DrmFileOpen(pid, 3, pid, 0));
            apply(fleet, stamper, new GemCreate(pid, 0, "vram", bytes, pid, pid, 1));
            apply(fleet, stamper, new GemPin(pid, bytes));
            apply(fleet, stamper, new GemStatus(pid, (processes - 1 - i) % 3 == 0 ? bytes : 0, PAGE, 0));
            apply(fleet, stamper, new MmCounters(pid, 4 * PAGE, 8 * PAGE, 0, 0, PAGE, bytes / PAGE));
        }
        return fleet;
    }

    private static void apply(FleetModel fleet, EventStamper stamper, EventBody body) {
        assertThat(fleet.apply(stamper.stamp(stamper.nextSeq() * 1000, body))).as("%s", body).isEqualTo(ApplyResult.APPLIED);
    }
}
