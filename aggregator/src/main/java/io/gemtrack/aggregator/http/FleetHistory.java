package io.gemtrack.aggregator.http;

import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.model.HostModel;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The last minutes of every host's GEM bytes and unaccounted bytes, for the web view's chart. The aggregator
 * samples them itself, rather than the browser collecting what it polls, so a page opened now shows the recent
 * past at once and a reload does not forget it. Kept in memory only: a few kilobytes per host.
 */
public final class FleetHistory implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Duration WINDOW = Duration.ofMinutes(5);
    static final int CAPACITY = (int) (WINDOW.toMillis() / INTERVAL.toMillis());

    /** One sample; {@code unaccounted} is indexed by {@link Policy#ordinal()}. */
    private record Sample(long epochMillis, long gemBytes, long[] unaccounted) {
    }

    /** A host's samples, oldest first, as columns: the shape a chart plots without reshaping. */
    record HostHistory(String host, long intervalMillis, long windowMillis, List<Long> epochMillis, List<Long> gemBytes,
                       Map<Policy, List<Long>> unaccounted) {
    }

    private final SharedFleet fleet;
    private final Map<String, Deque<Sample>> samplesByHost = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gemtrack-history");
        thread.setDaemon(true);
        return thread;
    });

    /** A history that nothing samples, unlike one {@link #started}: tests sample it by hand. */
    FleetHistory(SharedFleet fleet) {
        this.fleet = fleet;
    }

    /** A history sampling {@code fleet} every {@link #INTERVAL} from now on. */
    public static FleetHistory started(SharedFleet fleet) {
        FleetHistory history = new FleetHistory(fleet);
        history.timer.scheduleAtFixedRate(() -> history.sample(System.currentTimeMillis()), 0,
                INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return history;
    }

    /** Samples every host of the fleet; hosts the fleet no longer has are forgotten. */
    void sample(long epochMillis) {
        Map<String, Sample> taken = fleet.read(model -> {
            Map<String, Sample> samples = new HashMap<>();
            for (HostModel host : model.hosts()) {
                Ledger ledger = host.ledger();
                long[] unaccounted = Policy.all().stream().mapToLong(ledger::unaccounted).toArray();
                samples.put(host.host(), new Sample(epochMillis, ledger.gemBytes(), unaccounted));
            }
            return samples;
        });
        synchronized (this) {
            samplesByHost.keySet().retainAll(taken.keySet());
            taken.forEach((host, sample) -> {
                Deque<Sample> samples = samplesByHost.computeIfAbsent(host, name -> new ArrayDeque<>(CAPACITY));
                if (samples.size() == CAPACITY) {
                    samples.removeFirst();
                }
                samples.addLast(sample);
            });
        }
    }

    /** The host's samples; none before its first sample. */
    synchronized HostHistory of(String host) {
        List<Sample> samples = new ArrayList<>(samplesByHost.getOrDefault(host, new ArrayDeque<>()));
        Map<Policy, List<Long>> unaccounted = new EnumMap<>(Policy.class);
        for (Policy policy : Policy.all()) {
            unaccounted.put(policy, samples.stream().map(sample -> sample.unaccounted()[policy.ordinal()]).toList());
        }
        return new HostHistory(host, INTERVAL.toMillis(), WINDOW.toMillis(), samples.stream().map(Sample::epochMillis).toList(),
                samples.stream().map(Sample::gemBytes).toList(), unaccounted);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
