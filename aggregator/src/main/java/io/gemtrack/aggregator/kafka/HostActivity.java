package io.gemtrack.aggregator.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * When each host this aggregator owns last sent a record, by the aggregator's clock when it received it (the events'
 * {@code ts} is the host's own clock, and the model, a pure fold, keeps no time): a host silent for
 * {@link Expiry#staleAfter} is stale, and one silent for {@link Expiry#dropAfter} is dropped. A host restored from a
 * checkpoint counts as heard at its restore. Guarded by the fleet's lock, like the models it describes.
 */
public final class HostActivity {

    /** How long a host may be silent before it is shown stale, and before it is dropped. */
    public record Expiry(Duration staleAfter, Duration dropAfter) {
        public static final Expiry DEFAULT = new Expiry(Duration.ofMinutes(5), Duration.ofHours(1));

        public Expiry {
            if (staleAfter.isNegative() || staleAfter.isZero()) {
                throw new IllegalArgumentException("staleAfter must be positive, not " + staleAfter);
            }
            if (dropAfter.compareTo(staleAfter) <= 0) {
                throw new IllegalArgumentException("dropAfter (" + dropAfter + ") must be longer than staleAfter (" + staleAfter + ")");
            }
        }
    }

    /** A moment of receipt on the aggregator's clocks: monotonic, for how long ago, and the wall clock, to show. */
    public record Receipt(long nanos, long epochMillis) {
        public static Receipt now() {
            return new Receipt(System.nanoTime(), System.currentTimeMillis());
        }
    }

    /** A host's last receipt; mutable, so that the applier's update allocates nothing. */
    private static final class LastHeard {
        private long nanos;
        private long epochMillis;
    }

    private final Expiry expiry;
    private final Map<String, LastHeard> lastHeard = new HashMap<>();

    public HostActivity(Expiry expiry) {
        this.expiry = expiry;
    }

    /** The aggregator's monotonic clock, in the unit every {@code nowNanos} is in. */
    public static long now() {
        return System.nanoTime();
    }

    public Expiry expiry() {
        return expiry;
    }

    /** A record of {@code host} was received (or the host restored) at {@code receipt}. */
    public void heard(String host, Receipt receipt) {
        LastHeard heard = lastHeard.computeIfAbsent(host, name -> new LastHeard());
        heard.nanos = receipt.nanos();
        heard.epochMillis = receipt.epochMillis();
    }

    /** When {@code host} was last heard of, by the wall clock; empty for a host not heard of. */
    public OptionalLong lastHeardEpochMillis(String host) {
        LastHeard heard = lastHeard.get(host);
        return heard == null ? OptionalLong.empty() : OptionalLong.of(heard.epochMillis);
    }

    /** How long {@code host} has been silent; empty for a host not heard of. */
    public OptionalDouble silentSeconds(String host, long nowNanos) {
        LastHeard heard = lastHeard.get(host);
        return heard == null ? OptionalDouble.empty() : OptionalDouble.of((nowNanos - heard.nanos) / 1e9);
    }

    public boolean stale(String host, long nowNanos) {
        LastHeard heard = lastHeard.get(host);
        return heard != null && nowNanos - heard.nanos >= expiry.staleAfter().toNanos();
    }

    /** The hosts silent for {@link Expiry#dropAfter} or longer. */
    public List<String> dropDue(long nowNanos) {
        List<String> due = new ArrayList<>();
        lastHeard.forEach((host, heard) -> {
            if (nowNanos - heard.nanos >= expiry.dropAfter().toNanos()) {
                due.add(host);
            }
        });
        return due;
    }

    public void forget(String host) {
        lastHeard.remove(host);
    }
}
