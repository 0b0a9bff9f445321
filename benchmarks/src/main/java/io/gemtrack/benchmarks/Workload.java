package io.gemtrack.benchmarks;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.testkit.BasicScenario;
import java.util.ArrayList;
import java.util.List;

/**
 * The events the benchmarks feed through the pipeline, {@code events} measured (and {@code encoded} as the Kafka
 * tools' payloads), after {@code setup}, which is applied first and not measured. Two kinds:
 * <ul>
 * <li>{@link #steadyFleet}: long-lived emulated hosts (the emulator's {@code mixed} scenario) booted in the setup,
 *     then each sending its next actions in turn, and now and then a new host booting: a fleet as it runs;</li>
 * <li>{@link #hosts} (host churn): each host tells {@link BasicScenario}'s story, the hosts' events interleaved the
 *     way a fleet's arrive, so every apply touches a different host's model and a new host starts every 19 events.</li>
 * </ul>
 */
public record Workload(List<Event> setup, List<Event> events, List<byte[]> encoded) {

    /**
     * {@code hosts} emulated hosts booted in the setup, then their actions in turn until there are at least
     * {@code events}, with one more host booting every {@code bootEvery} of them; seeded, so every run is the same.
     */
    public static Workload steadyFleet(int hosts, long events, long bootEvery) {
        int boots = (int) (events / bootEvery);
        List<HostSimulation> simulations = new FleetSimulation(hosts + boots, 1, Scenarios.ALL, false, 0).hosts();
        List<Event> setup = new ArrayList<>();
        List<HostSimulation> running = new ArrayList<>(simulations.subList(0, hosts));
        running.forEach(host -> setup.addAll(host.step()));
        List<Event> measured = new ArrayList<>();
        int turn = 0;
        for (int booted = hosts; measured.size() < events; ) {
            // The k-th boot comes halfway into the k-th stretch of bootEvery events, so every boot falls within the events.
            if (booted < simulations.size() && measured.size() >= bootEvery / 2 + (booted - hosts) * bootEvery) {
                HostSimulation host = simulations.get(booted++);
                measured.addAll(host.step());
                running.add(host);
            } else {
                measured.addAll(running.get(turn).step());
                turn = (turn + 1) % running.size();
            }
        }
        return of(setup, measured);
    }

    private static Workload of(List<Event> setup, List<Event> events) {
        EventCodec codec = new EventCodec();
        return new Workload(List.copyOf(setup), List.copyOf(events), events.stream().map(codec::encode).toList());
    }

    public static Workload hosts(int hosts) {
        List<List<Event>> perHost = new ArrayList<>(hosts);
        for (int i = 0; i < hosts; i++) {
            perHost.add(BasicScenario.events(hostName(i), "boot-1"));
        }
        List<Event> events = new ArrayList<>();
        int length = perHost.get(0).size();
        for (int step = 0; step < length; step++) {
            for (List<Event> host : perHost) {
                events.add(host.get(step));
            }
        }
        return of(List.of(), events);
    }

    /** The smallest host-churn workload with at least {@code events} events. */
    public static Workload ofAtLeast(long events) {
        int perHost = BasicScenario.events("h", "b").size();
        return hosts((int) Math.max(1, (events + perHost - 1) / perHost));
    }

    public static String hostName(int index) {
        return String.format("host-%05d", index);
    }

    public int size() {
        return events.size();
    }

    public double averageRecordBytes() {
        return encoded.stream().mapToInt(bytes -> bytes.length).average().orElse(0);
    }
}
