package io.gemtrack.benchmarks;

import io.gemtrack.benchmarks.jmh.ApplyBenchmark;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.BusyHost;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A benchmark of events the model rejects would time the error path: every workload here must apply cleanly. */
class BenchmarkWorkloadsTest {

    @Test
    void fleetWorkloadAppliesEveryEventAndMatchesTheOperationCountJmhIsTold() {
        Workload workload = Workload.hosts(1_000);
        FleetModel fleet = new FleetModel();
        for (Event event : workload.events()) {
            assertThat(fleet.apply(event)).as("%s", event).isEqualTo(ApplyResult.APPLIED);
        }
        assertThat(workload.size()).isEqualTo(18_000);
        assertThat(fleet.hosts()).hasSize(1_000);
    }

    @Test
    void steadyFleetBootsItsHostsInTheSetupAndAppliesEveryEvent() {
        Workload workload = Workload.steadyFleet(200, 20_000, 5_000);
        FleetModel fleet = new FleetModel();
        for (Event event : workload.setup()) {
            assertThat(fleet.apply(event)).as("%s", event).isEqualTo(ApplyResult.APPLIED);
        }
        assertThat(fleet.hosts()).as("hosts booted in the setup").hasSize(200);
        for (Event event : workload.events()) {
            assertThat(fleet.apply(event)).as("%s", event).isEqualTo(ApplyResult.APPLIED);
        }
        assertThat(workload.size()).isGreaterThanOrEqualTo(20_000);
        assertThat(workload.encoded()).hasSize(workload.size());
        assertThat(fleet.hosts()).as("and one more every 5,000 events").hasSize(204);
    }

    @Test
    void steadyStateApplyBenchmarksApplyEveryEventAndReturnToTheSameState() {
        ApplyBenchmark benchmark = new ApplyBenchmark();
        benchmark.setUp();
        List<Supplier<ApplyResult>> operations = List.of(benchmark::pinUnpin, benchmark::handleCreateDelete,
                benchmark::mmapMunmap, benchmark::mmCounters, benchmark::createPinFree);
        for (Supplier<ApplyResult> operation : operations) {
            for (int i = 0; i < 3; i++) {
                assertThat(operation.get()).isEqualTo(ApplyResult.APPLIED);
            }
        }
        assertThat(benchmark.host().liveObjects()).isEqualTo(1);
        assertThat(benchmark.host().ledger().gemBytes()).isEqualTo(8L << 20);
    }

    @Test
    void busyHostBenchmarkAppliesEveryEventAndLeavesTheHostAsItFoundIt() {
        BusyHost shape = new BusyHost(20, 50);
        ApplyBenchmark.Busy busy = new ApplyBenchmark.Busy(shape);
        busy.setUp();
        ApplyBenchmark benchmark = new ApplyBenchmark();
        for (int i = 0; i < 200; i++) {
            assertThat(benchmark.busyHostUnpinPin(busy)).isEqualTo(ApplyResult.APPLIED);
        }
        assertThat(busy.host().liveObjects()).isEqualTo(shape.objects());
        assertThat(busy.host().ledger().residentBytes()).isEqualTo(BusyHostModel.fold(shape).ledger().residentBytes());
    }

    @Test
    void busyHostBuiltByEventsEqualsTheOneRestoredFromItsSnapshot() throws Exception {
        BusyHost shape = new BusyHost(20, 50);
        HostModel byEvents = BusyHostModel.fold(shape);
        EventCodec codec = new EventCodec();
        HostModel restored = new HostModel(BusyHost.NAME);
        Event snapshot = new Event(BusyHost.NAME, BusyHost.BOOT, 0, 0, shape.snapshot());
        assertThat(restored.apply(codec.decode(codec.encode(snapshot)))).isEqualTo(ApplyResult.APPLIED);

        assertThat(restored.liveObjects()).isEqualTo(byEvents.liveObjects()).isEqualTo(1_000);
        assertThat(restored.gemBytes()).isEqualTo(byEvents.gemBytes());
        assertThat(restored.processes()).hasSize(20);
    }
}
