package io.gemtrack.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventStamper;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.Exposition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A host's cgroup series stay bounded however many units and containers it runs, and the bounded series add up. */
class CgroupSeriesBoundTest {

    private static final long PAGE = EventBody.PAGE_SIZE;
    private static final int FIRST_PID = 1000;

    @Test
    void seriesPerHostDoNotGrowWithItsCgroups() {
        long seriesOf20 = cgroupSeries(scrape(unitsFleet(20), 10));

        assertThat(cgroupSeries(scrape(unitsFleet(2_000), 10))).isEqualTo(seriesOf20);
        // Top 10 plus "other" for each policy and the freed-by-kill figure; the limited cgroups' 4 + 2 per policy.
        assertThat(seriesOf20).isLessThanOrEqualTo(11L * (Policy.all().size() + 1) + 10L * (3 + 2 * Policy.all().size()));
    }

    @Test
    void topCgroupsAreTheLargestAndOtherHoldsTheRest() {
        Exposition scrape = scrape(unitsFleet(500), 3);

        List<Exposition.Sample> resident = scrape.samples().stream()
                .filter(sample -> sample.name().equals("gemtrack_cgroup_charged_bytes") && sample.labels().get("policy").equals("resident"))
                .toList();
        assertThat(resident).extracting(sample -> sample.labels().get("cgroup")).containsExactlyInAnyOrder(unit(499), unit(498),
                unit(497), CgroupMetrics.OTHER);
        assertThat(resident).filteredOn(sample -> sample.labels().get("cgroup").equals(unit(499)))
                .singleElement().satisfies(sample -> assertThat(sample.labels()).containsEntry("unit", "unit-499.service"));
        double sum = resident.stream().mapToDouble(Exposition.Sample::value).sum();
        assertThat(sum).isEqualTo(scrape.value("gemtrack_host_charged_bytes", "host", "busy", "policy", "resident").orElseThrow());
    }

    private static long cgroupSeries(Exposition scrape) {
        return scrape.samples().stream()
                .filter(sample -> sample.name().startsWith("gemtrack_cgroup_") || sample.name().startsWith("gemtrack_memcg_"))
                .count();
    }

    private static Exposition scrape(FleetModel fleet, int top) {
        PrometheusRegistry registry = new PrometheusRegistry();
        new AggregatorMetrics(registry, new SharedFleet(fleet), new HostActivity(HostActivity.Expiry.DEFAULT), top);
        return Scrape.of(registry);
    }

    private static String unit(int i) {
        return "/system.slice/unit-" + i + ".service";
    }

    /** A host of {@code units} services, each a process with a buffer a page larger than the last and a memory.max. */
    private static FleetModel unitsFleet(int units) {
        FleetModel fleet = new FleetModel();
        EventStamper stamper = new EventStamper("busy", "boot-1");
        apply(fleet, stamper, new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 1L << 40))));
        for (int i = 0; i < units; i++) {
            int pid = FIRST_PID + i;
            long bytes = (i + 1) * PAGE;
            apply(fleet, stamper, new ProcessFork(pid, 1, "unit-" + i, false, unit(i)));
            apply(fleet, stamper, new DrmFileOpen(pid, 3, pid, 0));
            apply(fleet, stamper, new GemCreate(pid, 0, "vram", bytes, pid, pid, 1));
            apply(fleet, stamper, new GemPin(pid, bytes));
            apply(fleet, stamper, new ResourceUsage(unit(i), bytes, 1L << 30, List.of()));
        }
        return fleet;
    }

    private static void apply(FleetModel fleet, EventStamper stamper, EventBody body) {
        assertThat(fleet.apply(stamper.stamp(stamper.nextSeq() * 1000, body))).as("%s", body).isEqualTo(ApplyResult.APPLIED);
    }
}
