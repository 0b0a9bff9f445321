package io.gemtrack.aggregator.metrics;

import io.gemtrack.model.HostModel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What each host's bounded series are for (its top processes, its top cgroups), chosen per host boot and chosen
 * again only every {@link #RESELECTION_INTERVAL}. Such series are keyed by pid or by cgroups often named after one,
 * and a top chosen at every scrape follows every short-lived process or unit into and out of it: each one a new
 * series for Prometheus to create and keep. Choosing again at a fixed interval bounds that over time, not only per
 * scrape: over any window, a host has at most {@code limit × (window / interval + 1)} such series per figure.
 * Read and written by one scrape at a time.
 *
 * @param <T> what is chosen for a host
 */
final class TopChoice<T> {

    static final Duration RESELECTION_INTERVAL = Duration.ofSeconds(60);

    private final LongSupplier nanoTime;
    private final Map<String, Chosen<T>> chosen = new HashMap<>();

    /** The top of one host boot, as chosen at {@code atNanos}. */
    private record Chosen<T>(String bootId, long atNanos, T top) {
    }

    TopChoice(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The top chosen for this host boot; chosen anew by {@code choose} when older than the interval (or for a new boot). */
    T of(HostModel host, Supplier<T> choose) {
        long now = nanoTime.getAsLong();
        Chosen<T> last = chosen.get(host.host());
        boolean current = last != null && Objects.equals(last.bootId(), host.bootId())
                && now - last.atNanos() < RESELECTION_INTERVAL.toNanos();
        if (current) {
            return last.top();
        }
        T top = choose.get();
        chosen.put(host.host(), new Chosen<>(host.bootId(), now, top));
        return top;
    }

    /** Forgets the choices of hosts that are gone, so the map holds no more hosts than the fleet. */
    void retainHosts(Set<String> hosts) {
        chosen.keySet().retainAll(hosts);
    }
}
