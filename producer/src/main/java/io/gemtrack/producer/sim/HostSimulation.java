package io.gemtrack.producer.sim;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventStamper;
import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.scenario.Machine;
import io.gemtrack.producer.scenario.Scenario;
import io.gemtrack.producer.scenario.Workload;
import io.gemtrack.producer.truth.GroundTruth;
import io.gemtrack.producer.truth.HostTruth;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One emulated host: its kernel, the workloads of its scenarios and a simulated clock, advanced one action at a
 * time. Everything comes from the seed, so the same seed gives the same events, byte for byte, and the same truth.
 *
 * <p>The first {@link #step()} boots the host: its memory, its devices and a {@code HostSnapshot}. Every later step
 * runs one action of a workload chosen at random (every 25th also the drivers' reports of their state, {@link
 * Kernel#reportDriverState}, and the cgroups' samples, {@link Kernel#reportCgroups}), and when {@code snapshotEvery} events have passed since the last
 * snapshot, ends with a new one (after checking the kernel's invariants); {@link #snapshot()} makes one out of turn.
 * Between steps {@link #truth()} is the ground truth of exactly the events returned so far.
 */
public final class HostSimulation {

    /** Steps between the reports of the drivers that report their own state (a collector's sample interval). */
    private static final long DRIVER_REPORT_EVERY = 25;

    private final String host;
    private final SplittableRandom random;
    private final EventStamper stamper;
    private final Kernel kernel;
    private final List<Workload> workloads = new ArrayList<>();
    private final long snapshotEvery;
    private final List<EventBody> reported = new ArrayList<>();
    private Machine machine;
    private long steps;
    private long clock;
    private long sinceSnapshot;

    /**
     * @param snapshotEvery events between snapshots; 0: only the one at boot
     */
    public HostSimulation(String host, long seed, List<Scenario> scenarios, boolean forkFlaw, long snapshotEvery) {
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("a host needs at least one scenario");
        }
        this.host = host;
        this.random = new SplittableRandom(seed);
        this.stamper = new EventStamper(host, UUID.nameUUIDFromBytes((host + "/" + seed).getBytes(StandardCharsets.UTF_8)).toString());
        this.kernel = new Kernel(reported::add, forkFlaw);
        scenarios.forEach(scenario -> workloads.add(scenario.workload().get()));
        this.snapshotEvery = snapshotEvery;
        this.clock = random.nextLong(1_000_000_000L, 10_000_000_000L);
    }

    /** Runs the next action and returns its events, in order, with a snapshot at the end when one is due. */
    public List<Event> step() {
        if (machine == null) {
            machine = Machine.boot(kernel, random);
            reported.add(kernel.snapshot());
        } else {
            workloads.get(random.nextInt(workloads.size())).step(machine);
            if (++steps % DRIVER_REPORT_EVERY == 0) {
                kernel.reportDriverState(steps / DRIVER_REPORT_EVERY);
                kernel.reportCgroups();
            }
            if (snapshotEvery > 0 && sinceSnapshot + reported.size() >= snapshotEvery) {
                reportSnapshot();
            }
        }
        return stampReported();
    }

    /**
     * A {@code HostSnapshot} of the kernel as it is now, out of turn: for when consumers may have lost events (the
     * connection to the broker was lost), so they resynchronise. Nothing before boot, whose first step sends one.
     * Its timestamp comes from the seeded clock, so the events after it differ from those of a run without it.
     */
    public List<Event> snapshot() {
        if (machine != null) {
            reportSnapshot();
        }
        return stampReported();
    }

    private void reportSnapshot() {
        kernel.checkInvariants();
        reported.add(kernel.snapshot());
    }

    private List<Event> stampReported() {
        List<Event> events = new ArrayList<>(reported.size());
        for (EventBody body : reported) {
            clock += random.nextLong(1_000, 2_000_000);
            events.add(stamper.stamp(clock, body));
            sinceSnapshot = body instanceof EventBody.HostSnapshot ? 0 : sinceSnapshot + 1;
        }
        reported.clear();
        return events;
    }

    /** The ground truth after the last event returned by {@link #step()}. */
    public HostTruth truth() {
        return GroundTruth.of(host, stamper.bootId(), stamper.nextSeq() - 1, kernel.facts());
    }

    public String host() {
        return host;
    }

    public String bootId() {
        return stamper.bootId();
    }

    /** Events returned so far. */
    public long events() {
        return stamper.nextSeq();
    }

    /** The kernel, for tests that look at it between steps. */
    public Kernel kernel() {
        return kernel;
    }
}
