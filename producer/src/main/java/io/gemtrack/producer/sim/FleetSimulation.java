package io.gemtrack.producer.sim;

import io.gemtrack.events.Event;
import io.gemtrack.producer.scenario.Scenario;
import io.gemtrack.producer.truth.HostTruth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Many emulated hosts, {@code host-0} to {@code host-(N-1)}, each with its own seed drawn from the fleet's, stepped
 * in turn: one action of one host per {@link #step()}, so every host advances at the same pace and the
 * interleaving, like everything else, depends on the seed only.
 */
public final class FleetSimulation {

    private final List<HostSimulation> hosts;
    private int next;

    public FleetSimulation(int hosts, long seed, List<Scenario> scenarios, boolean forkFlaw, long snapshotEvery) {
        this(hosts, seed, scenarios, forkFlaw, false, snapshotEvery);
    }

    /** @param driverPagesInBadness the hosts' OOM killers count the RFC's {@code MM_DRIVERPAGES} in their badness */
    public FleetSimulation(int hosts, long seed, List<Scenario> scenarios, boolean forkFlaw, boolean driverPagesInBadness,
                           long snapshotEvery) {
        List<HostSimulation> simulations = new ArrayList<>(hosts);
        for (int i = 0; i < hosts; i++) {
            simulations.add(new HostSimulation(hostName(i), hostSeed(seed, i), scenarios, forkFlaw, driverPagesInBadness, snapshotEvery));
        }
        this.hosts = Collections.unmodifiableList(simulations);
    }

    public static String hostName(int index) {
        return "host-" + index;
    }

    /** Decorrelates the hosts' streams: neighbouring fleet seeds or host numbers give unrelated host seeds. */
    static long hostSeed(long seed, int index) {
        return mix(seed ^ mix(index + 0x9E3779B97F4A7C15L));
    }

    /** MurmurHash3's 64-bit finaliser. */
    private static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The next host's next action. */
    public List<Event> step() {
        HostSimulation host = hosts.get(next);
        next = (next + 1) % hosts.size();
        return host.step();
    }

    /** A {@code HostSnapshot} of every booted host, out of turn (see {@link HostSimulation#snapshot()}). */
    public List<Event> snapshots() {
        List<Event> snapshots = new ArrayList<>(hosts.size());
        hosts.forEach(host -> snapshots.addAll(host.snapshot()));
        return snapshots;
    }

    public List<HostSimulation> hosts() {
        return hosts;
    }

    public List<HostTruth> truth() {
        return hosts.stream().map(HostSimulation::truth).toList();
    }
}
