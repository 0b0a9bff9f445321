package io.gemtrack.reliability;

import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The events of a seeded fleet of emulated hosts, and their publication at a pace a consumer reads along with. */
final class FleetStream {

    private static final int CHUNK = 100;
    private static final Duration PAUSE = Duration.ofMillis(20);

    private FleetStream() {
    }

    /** The first actions of {@code hosts} emulated hosts running every scenario, at least {@code events} events. */
    static List<Event> events(int hosts, long seed, long snapshotEvery, int events) {
        FleetSimulation fleet = new FleetSimulation(hosts, seed, Scenarios.parse(Scenarios.MIXED), false, snapshotEvery);
        List<Event> stream = new ArrayList<>(events + 100);
        while (stream.size() < events) {
            stream.addAll(fleet.step());
        }
        return stream;
    }

    /**
     * Publishes {@code events} a chunk at a time, each acknowledged before a short pause, so that an aggregator is
     * consuming while they arrive, as it would from live hosts.
     */
    static void publishPaced(EventPublisher publisher, List<Event> events) throws InterruptedException {
        for (int from = 0; from < events.size(); from += CHUNK) {
            events.subList(from, Math.min(events.size(), from + CHUNK)).forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
            Thread.sleep(PAUSE.toMillis());
        }
    }

    /** {@link #publishPaced} on another thread, for a test that acts while the events arrive. */
    static CompletableFuture<Void> publishPacedMeanwhile(EventPublisher publisher, List<Event> events) {
        return CompletableFuture.runAsync(() -> {
            try {
                publishPaced(publisher, events);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        });
    }
}
