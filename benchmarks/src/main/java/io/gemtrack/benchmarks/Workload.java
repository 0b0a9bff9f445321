package io.gemtrack.benchmarks;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.testkit.BasicScenario;
import java.util.ArrayList;
import java.util.List;

/**
 * The events the benchmarks feed through the pipeline: each host tells {@link BasicScenario}'s story, and the
 * hosts' events are interleaved the way a fleet's arrive, so every apply touches a different host's model.
 */
public record Workload(List<Event> events, List<byte[]> encoded) {

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
        EventCodec codec = new EventCodec();
        return new Workload(List.copyOf(events), events.stream().map(codec::encode).toList());
    }

    /** The smallest workload with at least {@code events} events. */
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
