package io.gemtrack.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventPumpTest {

    @Test
    void aLongRunPrintsProgressWithEventsRateAndErrorsAndStopsAtItsDuration() {
        StringWriter progress = new StringWriter();
        AtomicLong sunk = new AtomicLong();
        EventPump pump = new EventPump(new FleetSimulation(4, 1, Scenarios.ALL, false, 1_000), event -> sunk.incrementAndGet(),
                () -> 7, () -> false, new PrintWriter(progress, true));
        pump.progressEvery = Duration.ofMillis(200);

        EventPump.Totals totals = pump.run(new EventPump.Limits(0, Duration.ofMillis(1_100), 20_000), () -> false);

        assertThat(totals.events()).isEqualTo(sunk.get()).isBetween(15_000L, 25_000L);
        assertThat(totals.errors()).isEqualTo(7);
        assertThat(progress.toString().lines()).hasSizeBetween(3, 6)
                .allSatisfy(line -> assertThat(line).matches("produce: [0-9,]+ events sent, [0-9,]+ events/s, 7 errors"));
    }

    @Test
    void progressSaysWhatTheSinkDidWithTheEvents() {
        StringWriter progress = new StringWriter();
        EventPump pump = new EventPump(new FleetSimulation(1, 1, Scenarios.ALL, false, 0), event -> { }, () -> 0, () -> false,
                new PrintWriter(progress, true), "written");
        pump.progressEvery = Duration.ofMillis(100);

        pump.run(new EventPump.Limits(0, Duration.ofMillis(350), 10_000), () -> false);

        assertThat(progress.toString().lines()).isNotEmpty()
                .allSatisfy(line -> assertThat(line).matches("produce: [0-9,]+ events written, [0-9,]+ events/s, 0 errors"));
    }

    @Test
    void aStopRequestEndsTheRunAtTheNextActionBoundary() {
        AtomicLong sunk = new AtomicLong();
        EventPump pump = new EventPump(new FleetSimulation(1, 1, Scenarios.ALL, false, 0), event -> sunk.incrementAndGet(),
                () -> 0, () -> false, new PrintWriter(new StringWriter()));
        EventPump.Totals totals = pump.run(new EventPump.Limits(0, null, 0), () -> sunk.get() >= 100);
        assertThat(totals.events()).isEqualTo(sunk.get()).isBetween(100L, 200L);
    }

    @Test
    void aReconnectMakesEveryHostSendASnapshotOfItsStateBeforeItsNextAction() {
        StringWriter progress = new StringWriter();
        List<Event> sunk = new ArrayList<>();
        AtomicBoolean reconnectReported = new AtomicBoolean();
        // Snapshots only at boot, so any later one is the pump's answer to the reconnect, reported once after 300 events.
        EventPump pump = new EventPump(new FleetSimulation(3, 1, Scenarios.ALL, false, 0), sunk::add, () -> 0,
                () -> sunk.size() >= 300 && reconnectReported.compareAndSet(false, true), new PrintWriter(progress, true));

        pump.run(new EventPump.Limits(600, null, 0), () -> false);

        List<Event> snapshots = sunk.stream().filter(event -> event.body() instanceof HostSnapshot).toList();
        assertThat(snapshots).as("one at each host's boot, then one each for the reconnect").hasSize(6);
        int first = sunk.indexOf(snapshots.get(3));
        assertThat(first).isGreaterThanOrEqualTo(300);
        assertThat(sunk.subList(first, first + 3)).containsExactlyElementsOf(snapshots.subList(3, 6))
                .extracting(Event::host).containsExactly("host-0", "host-1", "host-2");
        Map<String, Long> nextSeq = new HashMap<>();
        for (Event event : sunk) {
            assertThat(event.seq()).as("seq of %s", event.host()).isEqualTo(nextSeq.getOrDefault(event.host(), 0L));
            nextSeq.put(event.host(), event.seq() + 1);
        }
        assertThat(progress.toString()).contains("the connection to Kafka came back; sending a HostSnapshot of each of 3 host(s)");
    }
}
