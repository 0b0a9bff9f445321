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
import io.gemtrack.producer.truth.OomKillFacts;
import io.gemtrack.producer.truth.OomKillTruth;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One emulated host: its kernel, the workloads of its scenarios and a simulated clock, advanced one action at a
 * time. Everything comes from the seed, so the same seed gives the same events, byte for byte, and the same truth.
 *
 * <p>The first {@link #step()} boots the host: its memory, its devices and a {@code HostSnapshot}. Every later step
 * runs one action of a workload chosen at random, then lets the kernel's OOM killer act if memory ran out
 * (every 25th also the drivers' reports of their state, {@link Kernel#reportDriverState}, and the cgroups' samples,
 * {@link Kernel#reportCgroups}), and when {@code snapshotEvery} events have passed since the last
 * snapshot, ends with a new one (after checking the kernel's invariants); {@link #snapshot()} makes one out of turn.
 * Between steps {@link #truth()} is the ground truth of exactly the events returned so far.
 */
public final class HostSimulation {

    /** The kills' truths kept for {@link #takeOomKills()}; older ones are dropped. */
    private static final int KEPT_KILLS = 1_000;
    /** Steps between the reports of the drivers that report their own state (a collector's sample interval). */
    private static final long DRIVER_REPORT_EVERY = 25;

    private final String host;
    private final SplittableRandom random;
    private final EventStamper stamper;
    private final Kernel kernel;
    private final List<Scenario> scenarios;
    private final List<Workload> workloads = new ArrayList<>();
    /** Kills the kernel made whose events are not stamped yet, and those stamped, oldest first, at most {@link #KEPT_KILLS}. */
    private final ArrayDeque<OomKillFacts> unstampedKills = new ArrayDeque<>();
    private final ArrayDeque<OomKillTruth> kills = new ArrayDeque<>();
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
        this(host, seed, scenarios, forkFlaw, false, snapshotEvery);
    }

    /**
     * @param driverPagesInBadness the kernel's OOM killer counts the RFC's {@code MM_DRIVERPAGES} in its badness
     * @param snapshotEvery        events between snapshots; 0: only the one at boot
     */
    public HostSimulation(String host, long seed, List<Scenario> scenarios, boolean forkFlaw, boolean driverPagesInBadness,
                          long snapshotEvery) {
        if (scenarios.isEmpty()) {
            throw new IllegalArgumentException("a host needs at least one scenario");
        }
        this.host = host;
        this.random = new SplittableRandom(seed);
        this.stamper = new EventStamper(host, UUID.nameUUIDFromBytes((host + "/" + seed).getBytes(StandardCharsets.UTF_8)).toString());
        this.kernel = new Kernel(reported::add, forkFlaw, driverPagesInBadness);
        this.scenarios = List.copyOf(scenarios);
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
            int workload = random.nextInt(workloads.size());
            kernel.enterService(workload);
            workloads.get(workload).step(machine);
            relieveMemoryPressure();
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

    /**
     * Lets the kernel's OOM killer kill until the host's memory suffices. Each workload is a service whose processes
     * are stopped when one of them is killed (systemd's default {@code OOMPolicy=stop}), and started afresh.
     */
    private void relieveMemoryPressure() {
        for (OptionalInt killed = kernel.killIfOutOfMemory(); killed.isPresent(); killed = kernel.killIfOutOfMemory()) {
            int service = killed.getAsInt();
            kernel.stopService(service);
            workloads.set(service, scenarios.get(service).workload().get());
        }
        unstampedKills.addAll(kernel.takeOomKills());
    }

    private void reportSnapshot() {
        kernel.checkInvariants();
        reported.add(kernel.snapshot());
    }

    private List<Event> stampReported() {
        List<Event> events = new ArrayList<>(reported.size());
        for (EventBody body : reported) {
            clock += random.nextLong(1_000, 2_000_000);
            Event event = stamper.stamp(clock, body);
            events.add(event);
            if (body instanceof EventBody.OomKill) {
                OomKillFacts kill = unstampedKills.removeFirst();
                kills.addLast(new OomKillTruth(host, stamper.bootId(), event.seq(), kill,
                        GroundTruth.of(host, stamper.bootId(), event.seq(), kill.before())));
                if (kills.size() > KEPT_KILLS) {
                    kills.removeFirst();
                }
            }
            sinceSnapshot = body instanceof EventBody.HostSnapshot ? 0 : sinceSnapshot + 1;
        }
        reported.clear();
        return events;
    }

    /** The ground truth after the last event returned by {@link #step()}. */
    public HostTruth truth() {
        return GroundTruth.of(host, stamper.bootId(), stamper.nextSeq() - 1, kernel.facts());
    }

    /** The truth of every OOM kill in the events returned since the last call (at most the last 1000), oldest first. */
    public List<OomKillTruth> takeOomKills() {
        List<OomKillTruth> taken = List.copyOf(kills);
        kills.clear();
        return taken;
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
