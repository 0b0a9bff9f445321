package io.gemtrack.producer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventCodec;
import io.gemtrack.producer.scenario.Scenario;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.truth.HostTruth;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HostSimulationTest {

    private static final EventCodec CODEC = new EventCodec();

    static List<String> scenarios() {
        return Scenarios.names();
    }

    /** Every scenario, long enough to go through its whole story several times, checking the kernel after every action. */
    @ParameterizedTest
    @MethodSource("scenarios")
    void everyScenarioKeepsTheKernelsInvariantsWithAndWithoutTheForkFlaw(String scenario) {
        for (boolean forkFlaw : new boolean[] {false, true}) {
            for (long seed = 1; seed <= 3; seed++) {
                HostSimulation host = new HostSimulation("host", seed, Scenarios.parse(scenario), forkFlaw, 500);
                for (int step = 0; step < 3_000; step++) {
                    host.step();
                    host.kernel().checkInvariants();
                }
                assertThat(host.events()).as("events of %s, seed %d", scenario, seed).isGreaterThan(3_000);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameEventsByteForByteAndAnotherSeedOthers() {
        List<Scenario> mixed = Scenarios.parse(Scenarios.MIXED);
        byte[] first = encode(new FleetSimulation(3, 42, mixed, true, 100), 20_000);
        byte[] again = encode(new FleetSimulation(3, 42, mixed, true, 100), 20_000);
        byte[] other = encode(new FleetSimulation(3, 43, mixed, true, 100), 20_000);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    private static byte[] encode(FleetSimulation fleet, int events) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int count = 0;
        while (count < events) {
            for (Event event : fleet.step()) {
                bytes.writeBytes(CODEC.encode(event));
                bytes.write('\n');
                count++;
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void theMixedScenarioReportsEveryKindOfEvent() {
        HostSimulation host = new HostSimulation("host", 7, Scenarios.parse(Scenarios.MIXED), false, 1_000);
        Set<String> seen = new TreeSet<>();
        for (int step = 0; step < 20_000; step++) {
            host.step().forEach(event -> seen.add(event.type()));
        }
        Set<String> all = new TreeSet<>();
        EventBody.TYPES.forEach(type -> all.add(EventBody.typeName(type)));
        assertThat(seen).isEqualTo(all);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 250})
    void aHostStartsWithItsMemoryDevicesAndASnapshotAndSnapshotsAgainAsAsked(long snapshotEvery) {
        HostSimulation host = new HostSimulation("host", 5, Scenarios.parse(Scenarios.MIXED), false, snapshotEvery);
        List<Event> boot = host.step();
        assertThat(boot).extracting(Event::type).containsExactly("HostMemory", "DrmDeviceAdded", "DrmDeviceAdded",
                "DrmDeviceAdded", "HostSnapshot");
        List<Long> snapshots = new ArrayList<>();
        long lastSnapshot = boot.get(boot.size() - 1).seq();
        while (host.events() < 5_000) {
            for (Event event : host.step()) {
                if (event.body() instanceof HostSnapshot) {
                    snapshots.add(event.seq() - lastSnapshot);
                    lastSnapshot = event.seq();
                }
            }
        }
        if (snapshotEvery == 0) {
            assertThat(snapshots).isEmpty();
        } else {
            assertThat(snapshots).hasSizeGreaterThan(10).allSatisfy(gap -> assertThat(gap).isBetween(snapshotEvery + 1, snapshotEvery + 200));
        }
        HostTruth truth = host.truth();
        assertThat(truth.seq()).isEqualTo(host.events() - 1);
        assertThat(truth.bootId()).isEqualTo(host.bootId());
    }

    @Test
    void aSnapshotOutOfTurnIsTheKernelsStateAtTheNextSeqAndNothingBeforeBoot() {
        HostSimulation host = new HostSimulation("host", 9, Scenarios.parse(Scenarios.MIXED), false, 0);
        assertThat(host.snapshot()).as("before boot").isEmpty();
        while (host.events() < 500) {
            host.step();
        }
        long next = host.events();

        List<Event> snapshot = host.snapshot();

        assertThat(snapshot).singleElement().satisfies(event -> {
            assertThat(event.seq()).isEqualTo(next);
            assertThat(event.body()).isEqualTo(host.kernel().snapshot());
        });
        assertThat(host.truth().seq()).isEqualTo(next);
        assertThat(host.step()).first().extracting(Event::seq).isEqualTo(next + 1);
    }
}
