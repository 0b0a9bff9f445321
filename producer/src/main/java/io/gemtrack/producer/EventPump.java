package io.gemtrack.producer;

import io.gemtrack.events.Event;
import io.gemtrack.producer.sim.FleetSimulation;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs a fleet simulation into a sink, one action at a time, until a limit: a number of events, a duration, or
 * a stop request (the thread's interrupt included). It holds a rate by sleeping when ahead of schedule, and on long
 * runs prints a progress line (events sent, rate, errors) every {@link #progressEvery}.
 *
 * <p>When the sink's connection was lost and has come back, every host sends a {@code HostSnapshot} of its state
 * before its next action (DESIGN §3: snapshots are how a consumer that lost events resynchronises).
 *
 * <p>Limits are checked between actions, never inside one, so a run ends on an action boundary and the fleet's
 * ground truth is exactly that of the events sent.
 */
public final class EventPump {

    /**
     * @param events   stop once this many events are sent (at the end of the action that reaches it); 0: no limit
     * @param duration stop after this long; {@code null}: no limit
     * @param perSecond events per second; 0: as fast as the sink takes them
     */
    public record Limits(long events, Duration duration, long perSecond) {
    }

    /** The totals of a run. */
    public record Totals(long events, Duration elapsed, long errors) {

        public double perSecond() {
            return elapsed.isZero() ? 0 : events * 1e9 / elapsed.toNanos();
        }
    }

    private final FleetSimulation fleet;
    private final Consumer<Event> sink;
    private final LongSupplier errors;
    private final BooleanSupplier reconnected;
    private final PrintWriter progress;
    private final String delivered;
    Duration progressEvery = Duration.ofSeconds(5);

    /**
     * @param errors      how many events the sink failed to deliver so far
     * @param reconnected whether the sink's connection was lost and has come back since it last said so
     * @param progress    where progress lines go (stderr)
     */
    public EventPump(FleetSimulation fleet, Consumer<Event> sink, LongSupplier errors, BooleanSupplier reconnected,
                     PrintWriter progress) {
        this(fleet, sink, errors, reconnected, progress, "sent");
    }

    /**
     * @param delivered what the progress lines say of the events the sink took: "sent" to a broker, "written" to a file
     * @see #EventPump(FleetSimulation, Consumer, LongSupplier, BooleanSupplier, PrintWriter)
     */
    public EventPump(FleetSimulation fleet, Consumer<Event> sink, LongSupplier errors, BooleanSupplier reconnected,
                     PrintWriter progress, String delivered) {
        this.delivered = delivered;
        this.fleet = fleet;
        this.sink = sink;
        this.errors = errors;
        this.reconnected = reconnected;
        this.progress = progress;
    }

    public Totals run(Limits limits, BooleanSupplier stopRequested) {
        long start = System.nanoTime();
        long deadline = limits.duration() == null ? Long.MAX_VALUE : start + limits.duration().toNanos();
        double nanosPerEvent = limits.perSecond() == 0 ? 0 : 1e9 / limits.perSecond();
        long nextProgress = start + progressEvery.toNanos();
        long sentAtLastProgress = 0;
        long sent = 0;
        while ((limits.events() == 0 || sent < limits.events()) && !stopRequested.getAsBoolean()
                && !Thread.currentThread().isInterrupted()) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                break;
            }
            if (now - nextProgress >= 0) {
                double recent = (sent - sentAtLastProgress) * 1e9 / (now - nextProgress + progressEvery.toNanos());
                progress.printf("produce: %,d events %s, %,.0f events/s, %,d errors%n", sent, delivered, recent, errors.getAsLong());
                progress.flush();
                sentAtLastProgress = sent;
                nextProgress = now + progressEvery.toNanos();
            }
            List<Event> events = reconnected.getAsBoolean() ? resynchronisation() : fleet.step();
            for (Event event : events) {
                sink.accept(event);
            }
            sent += events.size();
            if (nanosPerEvent > 0) {
                long due = start + (long) (sent * nanosPerEvent);
                // Sleep only when well ahead: parking for microseconds costs more than it paces.
                if (due - System.nanoTime() > 1_000_000) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
        }
        return new Totals(sent, Duration.ofNanos(System.nanoTime() - start), errors.getAsLong());
    }

    private List<Event> resynchronisation() {
        List<Event> snapshots = fleet.snapshots();
        progress.printf("produce: the connection to Kafka came back; sending a HostSnapshot of each of %,d host(s)%n",
                snapshots.size());
        progress.flush();
        return snapshots;
    }
}
