package io.gemtrack.aggregator.kafka;

import io.gemtrack.kafka.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history of host checkpoints that time travel folds from ({@link HostReplay}): every {@code interval}, the
 * checkpoint rounds the consumer stores are also written to the history topic, which keeps every one of them until
 * retention deletes it rather than only each host's latest. Written by a {@link CheckpointStore} of its own with the
 * live round's own bytes, batched and stamped with the events offset they cover as the live checkpoints are, a
 * quarantined host's included (its bookkeeping alone, which time travel does not start from).
 */
public final class CheckpointHistory implements AutoCloseable {

    /** How often rounds go to the history unless configured: a fold from one reads at most this much of the log. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(CheckpointHistory.class);

    private final Optional<CheckpointStore> store;
    private final long intervalNanos;
    private long lastWrittenNanos = System.nanoTime();

    private CheckpointHistory(Optional<CheckpointStore> store, Duration interval) {
        this.store = store;
        this.intervalNanos = interval.toNanos();
    }

    /** No history: time travel folds from the live checkpoints or from the log's start. */
    public static CheckpointHistory off() {
        return new CheckpointHistory(Optional.empty(), Duration.ZERO);
    }

    /** A history in {@code topic}, a round every {@code interval}; {@link Duration#ZERO} is {@link #off()}. */
    public static CheckpointHistory every(Duration interval, KafkaSettings settings, String topic) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("a checkpoint history interval must not be negative, was " + interval);
        }
        return interval.isZero() ? off() : new CheckpointHistory(Optional.of(new CheckpointStore(settings, topic)), interval);
    }

    /** Whether the rounds being written now belong in the history too. */
    boolean due() {
        return store.isPresent() && System.nanoTime() - lastWrittenNanos >= intervalNanos;
    }

    /**
     * Adds a complete round of the live checkpoints to the history. One that fails is only logged: the live round is
     * stored, and time travel folds from an older checkpoint of the history instead.
     */
    void write(int partition, List<CheckpointStore.Encoded> hosts, long sourceOffset) {
        store.ifPresent(history -> {
            if (!history.writeRound(partition, hosts, sourceOffset).complete()) {
                log.warn("the checkpoint history round of events partition {} at offset {} was not stored whole; time travel"
                        + " folds from an older one", partition, sourceOffset);
            }
        });
    }

    /** The rounds due were written: the next are due an interval from now. */
    void written() {
        lastWrittenNanos = System.nanoTime();
    }

    /** See {@link CheckpointStore#abandonWrites()}. */
    public void abandonWrites() {
        store.ifPresent(CheckpointStore::abandonWrites);
    }

    @Override
    public void close() {
        store.ifPresent(CheckpointStore::close);
    }
}
