package io.gemtrack.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EventPumpTest {

    @Test
    void aLongRunPrintsProgressWithEventsRateAndErrorsAndStopsAtItsDuration() {
        StringWriter progress = new StringWriter();
        AtomicLong sunk = new AtomicLong();
        EventPump pump = new EventPump(new FleetSimulation(4, 1, Scenarios.ALL, false, 1_000), event -> sunk.incrementAndGet(),
                () -> 7, new PrintWriter(progress, true));
        pump.progressEvery = Duration.ofMillis(200);

        EventPump.Totals totals = pump.run(new EventPump.Limits(0, Duration.ofMillis(1_100), 20_000), () -> false);

        assertThat(totals.events()).isEqualTo(sunk.get()).isBetween(15_000L, 25_000L);
        assertThat(totals.errors()).isEqualTo(7);
        assertThat(progress.toString().lines()).hasSizeBetween(3, 6)
                .allSatisfy(line -> assertThat(line).matches("produce: [0-9,]+ events sent, [0-9,]+ events/s, 7 errors"));
    }

    @Test
    void aStopRequestEndsTheRunAtTheNextActionBoundary() {
        AtomicLong sunk = new AtomicLong();
        EventPump pump = new EventPump(new FleetSimulation(1, 1, Scenarios.ALL, false, 0), event -> sunk.incrementAndGet(),
                () -> 0, new PrintWriter(new StringWriter()));
        EventPump.Totals totals = pump.run(new EventPump.Limits(0, null, 0), () -> sunk.get() >= 100);
        assertThat(totals.events()).isEqualTo(sunk.get()).isBetween(100L, 200L);
    }
}
