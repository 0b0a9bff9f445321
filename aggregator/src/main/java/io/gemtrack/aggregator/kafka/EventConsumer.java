package io.gemtrack.aggregator.kafka;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomPostMortems;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregator's poll loop: decodes each record, applies it to the fleet model, and routes what cannot be
 * applied to dead letters. Bytes are decoded here rather than by a Kafka deserializer so a malformed record
 * becomes a dead letter with its original bytes instead of an exception that stops the partition.
 *
 * <p>Two threads form a pipeline one batch deep: while the applier applies a batch to the model, the consumer
 * thread fetches and decodes the next one, which costs about as much. Whatever needs the model
 * and the consumer's position to agree (a checkpoint, a rebalance) first {@linkplain #drain() drains} the
 * applier, after which every polled record is applied and the position is exactly what the model covers.
 */
public final class EventConsumer implements Runnable, AutoCloseable {

    /** Dead-letter reason for events that parse but contradict the model (free of an unknown object, ...). */
    public static final String MODEL_INVARIANT = "MODEL_INVARIANT";
    /**
     * Dead-letter reason for an event whose record's key is not its host: partitions, and so which aggregator owns a
     * host, follow the key, so applying it could split a host's events over two aggregators.
     */
    public static final String KEY_MISMATCH = "KEY_MISMATCH";
    /**
     * Dead-letter reason for the event whose applying failed unexpectedly, a bug rather than bad input: its host is
     * quarantined (SEMANTICS.md §10), and the record kept here for whoever fixes the bug.
     */
    public static final String QUARANTINED = "QUARANTINED";

    /**
     * How long closing the Kafka consumer may take, the final checkpoint (written as the partitions are revoked) and
     * leaving the group included, before it drops its connections.
     */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(EventConsumer.class);
    /** How often hosts are checked for having been silent for the drop time. */
    private static final Duration DROP_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final SharedFleet fleet;
    private final ConsumerMetrics metrics;
    private final DeadLetterPublisher deadLetters;
    private final AppliedListener listener;
    private final CheckpointStore checkpoints;
    private final Duration checkpointInterval;
    private final CheckpointHistory history;
    private final HostActivity activity;
    private final ProcessExits exits;
    /**
     * The events partition of each host this consumer owns: a host's events all come from one partition. Written
     * by the applier; the consumer thread touches it only after {@link #drain()}, which orders the two.
     */
    private final Map<String, Integer> partitionOfHost = new HashMap<>();
    private long lastCheckpointNanos = System.nanoTime();
    private long lastDropCheckNanos = System.nanoTime();
    private final EventCodec codec = new EventCodec();
    private final ExecutorService applier = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "gemtrack-apply"));
    /** The batch the applier is working on, if any. */
    private Future<?> applying = CompletableFuture.completedFuture(null);
    private volatile boolean running = true;
    private final ConsumerStatus status = new ConsumerStatus();

    public EventConsumer(KafkaSettings settings, String groupId, String topic, SharedFleet fleet,
                         ConsumerMetrics metrics, DeadLetterPublisher deadLetters, AppliedListener listener,
                         CheckpointStore checkpoints, Duration checkpointInterval, HostActivity activity) {
        this(settings, groupId, topic, fleet, metrics, deadLetters, listener, checkpoints, checkpointInterval, activity,
                new ProcessExits(), CheckpointHistory.off());
    }

    /**
     * @param exits   where the processes that exit are remembered, guarded by the fleet's lock
     * @param history where complete checkpoint rounds also go, when one is due
     */
    public EventConsumer(KafkaSettings settings, String groupId, String topic, SharedFleet fleet,
                         ConsumerMetrics metrics, DeadLetterPublisher deadLetters, AppliedListener listener,
                         CheckpointStore checkpoints, Duration checkpointInterval, HostActivity activity, ProcessExits exits,
                         CheckpointHistory history) {
        // Where to resume is the checkpoints' business (gemtrack's consumers never commit offsets): committed offsets
        // would skip events no checkpoint covers.
        Map<String, Object> config = settings.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                // A crashed aggregator's hosts go unserved until the group notices: 10 s rather than Kafka's 45 s.
                // Heartbeats come from the Kafka client's background thread, so a long apply or checkpoint does not end it.
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(config);
        this.topic = topic;
        this.fleet = fleet;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.checkpoints = checkpoints;
        this.checkpointInterval = checkpointInterval;
        this.activity = activity;
        this.exits = exits;
        this.history = history;
    }

    /** Whether this consumer is consuming, and the error it stopped on if it did. */
    public ConsumerStatus status() {
        return status;
    }

    /**
     * Polls and applies until {@link #close()}. An error on this thread or the applier's ends it: the error is logged
     * with its stack trace, and {@link #status()} and the {@code up} metric say so at once; it is not rethrown, so the
     * thread's default handler does not print it a second time.
     */
    @Override
    public void run() {
        count(() -> metrics.consumerUp(true));
        try {
            consumer.subscribe(List.of(topic), new HostHandover());
            while (running) {
                if (applying.isDone()) {
                    // Finds an applier's error now rather than at the next batch, which may never come.
                    drain();
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    HostActivity.Receipt received = HostActivity.Receipt.now();
                    List<Decoded> batch = decode(records);
                    drain();
                    applying = applier.submit(() -> batch.forEach(decoded -> handle(decoded, received)));
                }
                count(this::reportLag);
                if (System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos()) {
                    drain();
                    checkpoint(consumer.assignment());
                }
                if (System.nanoTime() - lastDropCheckNanos >= DROP_CHECK_INTERVAL.toNanos()) {
                    dropSilentHosts();
                }
            }
            drain();
        } catch (WakeupException e) {
            if (running) {
                failed(e);
            }
        } catch (RuntimeException | Error e) {
            failed(e);
        } finally {
            try {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } finally {
                applier.shutdownNow();
                status.stopped();
                count(() -> metrics.consumerUp(false));
            }
        }
    }

    /** Tells of the error before the Kafka consumer is closed, which takes a moment and must not write a checkpoint. */
    private void failed(Throwable e) {
        log.error("the event consumer stopped on an error: this aggregator applies no more events", e);
        count(() -> metrics.consumerUp(false));
        status.failed(e);
    }

    /**
     * Waits until the applier has applied every record polled so far. An error the applier met stops the
     * consumer as it would have stopped a single-threaded loop.
     */
    private void drain() {
        try {
            applying.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    /** A polled record and what decoding it gave: its event, or why it is malformed. */
    private record Decoded(ConsumerRecord<byte[], byte[]> record, Event event, MalformedEventException malformed) {
    }

    private List<Decoded> decode(ConsumerRecords<byte[], byte[]> records) {
        List<Decoded> decoded = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                decoded.add(new Decoded(record, codec.decode(record.value() == null ? new byte[0] : record.value()), null));
            } catch (MalformedEventException e) {
                decoded.add(new Decoded(record, null, e));
            }
        }
        return decoded;
    }

    /**
     * Whether {@code key} is {@code host} in UTF-8. Host names are ASCII as a rule, and compared byte by char without
     * encoding the host for every event; any other is encoded.
     */
    static boolean isKeyOf(byte[] key, String host) {
        if (key == null) {
            return false;
        }
        if (key.length != host.length()) {
            return key.length > host.length() && Arrays.equals(key, host.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < key.length; i++) {
            char c = host.charAt(i);
            if (c >= 0x80) {
                return Arrays.equals(key, host.getBytes(StandardCharsets.UTF_8));
            }
            if (key[i] != c) {
                return false;
            }
        }
        return true;
    }

    private void handle(Decoded decoded, HostActivity.Receipt received) {
        ConsumerRecord<byte[], byte[]> record = decoded.record();
        if (decoded.malformed() != null) {
            MalformedEventException e = decoded.malformed();
            deadLetters.send(record, e.kind().name(), e.getMessage());
            return;
        }
        Event event = decoded.event();
        if (!isKeyOf(record.key(), event.host())) {
            String key = record.key() == null ? "no key" : "key '" + new String(record.key(), StandardCharsets.UTF_8) + "'";
            deadLetters.send(record, KEY_MISMATCH, "the record has " + key + ", not its event's host '" + event.host() + "'");
            return;
        }
        Applied applied = apply(event, record.timestamp(), received);
        ApplyResult result = applied.result();
        partitionOfHost.putIfAbsent(event.host(), record.partition());
        count(() -> metrics.applyDuration(applied.nanos()));
        if (result instanceof ApplyResult.Rejected rejected) {
            deadLetters.send(record, MODEL_INVARIANT, rejected.reason());
        } else if (result instanceof ApplyResult.Quarantined quarantined) {
            log.error("host {} quarantined: its events are skipped until a snapshot or a new boot; {}", event.host(),
                    quarantined.reason(), quarantined.cause());
            deadLetters.send(record, QUARANTINED, quarantined.reason());
        } else if (result == ApplyResult.DUPLICATE) {
            count(metrics::duplicate);
        } else if (result == ApplyResult.SKIPPED) {
            count(metrics::skipped);
        } else if (result == ApplyResult.QUARANTINE_SKIPPED) {
            count(metrics::quarantineSkipped);
        } else {
            count(() -> metrics.applied(event.type()));
            listener.applied(record, event);
        }
    }

    /** What applying an event gave, and how long the model took (without waiting for the lock). */
    public record Applied(ApplyResult result, long nanos) {
    }

    /**
     * Applies one event as the applier does, in one hold of the fleet's lock: to the model, the exits and the hosts'
     * activity. Timed inside the lock: the histogram is about the model's cost, not about waiting for a reader.
     */
    public static Applied apply(SharedFleet fleet, ProcessExits exits, HostActivity activity, Event event,
                                long recordTimestamp, HostActivity.Receipt received) {
        FleetModel model = fleet.acquire();
        try {
            Optional<ProcessExits.Pending> exit = exits.before(model, event, received.epochMillis());
            long start = System.nanoTime();
            ApplyResult result = OomPostMortems.apply(model, event, recordTimestamp);
            long nanos = System.nanoTime() - start;
            exit.ifPresent(pending -> exits.after(pending, result));
            activity.heard(event.host(), received);
            return new Applied(result, nanos);
        } finally {
            fleet.release();
        }
    }

    private Applied apply(Event event, long recordTimestamp, HostActivity.Receipt received) {
        return apply(fleet, exits, activity, event, recordTimestamp, received);
    }

    /**
     * Drops the hosts silent for the drop time: their models, and with them their series and history, and their
     * checkpoints, each by a tombstone, so that a restart does not bring them back.
     */
    private void dropSilentHosts() {
        lastDropCheckNanos = HostActivity.now();
        if (fleet.hold(model -> activity.dropDue(lastDropCheckNanos).isEmpty())) {
            return;
        }
        // Which partition a host is of is the applier's to write until it is drained; and the batch it is applying
        // may have heard from a host that was due.
        drain();
        Map<String, Integer> dropped = new HashMap<>();
        fleet.change(model -> {
            for (String host : activity.dropDue(HostActivity.now())) {
                forget(model, host);
                dropped.put(host, partitionOfHost.remove(host));
            }
        });
        dropped.forEach((host, partition) -> {
            log.info("dropped host {}: silent for longer than {}", host, activity.expiry().dropAfter());
            checkpoints.forget(partition, host);
        });
    }

    /** A host this aggregator no longer has, dropped or handed over: its model, when it was heard from, its exits. */
    private void forget(FleetModel model, String host) {
        model.remove(host);
        activity.forget(host);
        exits.forget(host);
    }

    /**
     * Writes a checkpoint round of each partition, covering what this consumer has read of it. A host whose checkpoint
     * cannot be taken, encoded or stored (one too large for the topic) is quarantined, and the round written again at
     * once with what is kept of a quarantined host, so that one host does not hold back the others' round. While
     * running, a complete round also goes to the checkpoint history when one is due (not the final one: a stop's time is
     * short, and the live round is what the next owner needs).
     */
    private void checkpoint(Collection<TopicPartition> partitions) {
        if (!applying.isDone()) {
            throw new IllegalStateException("a checkpoint round is taken only with the applier drained");
        }
        lastCheckpointNanos = System.nanoTime();
        boolean historyDue = running && history.due();
        List<TopicPartition> incomplete = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            long position = consumer.position(partition);
            CheckpointStore.Round round = checkpoints.writeRound(partition.partition(), roundOf(partition), position);
            if (!round.unstorable().isEmpty()) {
                Map<String, Throwable> unstorable = round.unstorable();
                fleet.change(model -> unstorable.forEach((host, error) ->
                        HostQuarantine.quarantine(model.host(host), "storing its checkpoint", error)));
                round = checkpoints.writeRound(partition.partition(), roundOf(partition), position);
            }
            if (!round.complete()) {
                incomplete.add(partition);
            } else if (historyDue) {
                history.write(partition.partition(), round.encoded(), position);
            }
        }
        if (historyDue) {
            history.written();
        }
        if (!running && !incomplete.isEmpty()) {
            log.warn("final checkpoint skipped for {}: the broker refused it or had not stored it when the time to stop ran"
                    + " out; whoever takes them over replays from their last complete checkpoint", incomplete);
        }
    }

    /**
     * The checkpoints of the hosts of events partition {@code partition}: whole, or for a quarantined host what is kept.
     * Each host is taken in a hold of the lock of its own, so readers are not kept waiting for a whole round: a round
     * is taken only with the applier {@linkplain #drain() drained}, and only this thread gives it events, so no event
     * is applied between two hosts of the round and every checkpoint covers exactly the round's offset.
     */
    private List<CheckpointStore.Entry> roundOf(TopicPartition partition) {
        List<CheckpointStore.Entry> hosts = new ArrayList<>();
        partitionOfHost.forEach((name, owner) -> {
            if (owner == partition.partition()) {
                hosts.add(fleet.hold(model -> entryOf(model.host(name))));
            }
        });
        return hosts;
    }

    /**
     * A quarantined host's state may be what failed, and may not be checkpointed or restored: its checkpoint is its
     * bookkeeping alone, with the quarantine, which a restart restores. So no restart meets the record that broke it
     * again, and none dies on it.
     */
    private static CheckpointStore.Entry entryOf(HostModel host) {
        if (host.quarantineReason().isEmpty()) {
            try {
                return new CheckpointStore.Entry(host.checkpoint(), Optional.empty());
            } catch (RuntimeException e) {
                HostQuarantine.quarantine(host, "taking its checkpoint", e);
            }
        }
        return new CheckpointStore.Entry(host.checkpointWithoutState(), host.quarantineReason());
    }

    /** Hosts move with their partitions: checkpointed when one leaves, restored (and replayed) when one arrives. */
    private final class HostHandover implements ConsumerRebalanceListener {

        /**
         * Also called while a failed consumer closes. It then writes no checkpoint: its model may hold part of a batch,
         * and its position may be past records it never applied, which a checkpoint would claim.
         */
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (status.failure().isEmpty()) {
                drain();
                checkpoint(partitions);
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (status.failure().isEmpty()) {
                drain();
                if (!running) {
                    log.warn("final checkpoint skipped for {}: the group no longer counts this aggregator as their owner;"
                            + " whoever takes them over replays from their last complete checkpoint", partitions);
                }
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            drain();
            for (TopicPartition partition : partitions) {
                CheckpointStore.Restored restored = checkpoints.read(partition.partition());
                HostActivity.Receipt restoredAt = HostActivity.Receipt.now();
                fleet.change(model -> restored.hosts().forEach(host -> {
                    model.put(host);
                    activity.heard(host.host(), restoredAt);
                }));
                restored.hosts().forEach(host -> partitionOfHost.put(host.host(), partition.partition()));
                if (restored.resumeAt().isPresent()) {
                    consumer.seek(partition, restored.resumeAt().getAsLong());
                } else {
                    consumer.seekToBeginning(List.of(partition));
                }
                log.info("took over {}: {} hosts from checkpoints, resuming at {}", partition, restored.hosts().size(),
                        restored.resumeAt().isPresent() ? "offset " + restored.resumeAt().getAsLong() : "the beginning");
            }
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<Integer> gone = new HashSet<>();
            partitions.forEach(partition -> gone.add(partition.partition()));
            fleet.change(model -> partitionOfHost.entrySet().removeIf(owned -> {
                if (gone.contains(owned.getValue())) {
                    EventConsumer.this.forget(model, owned.getKey());
                    return true;
                }
                return false;
            }));
        }
    }

    /** The lag the consumer knows from its last fetches (no request to the broker); unknown lags are left out. */
    private void reportLag() {
        Map<TopicPartition, Long> lag = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            consumer.currentLag(partition).ifPresent(records -> lag.put(partition, records));
        }
        metrics.consumerLag(lag);
    }

    /** Runs a metrics update; metrics are an observer, so their failure is logged and never stops consuming. */
    private static void count(Runnable metricsUpdate) {
        try {
            metricsUpdate.run();
        } catch (RuntimeException e) {
            log.warn("a metrics update failed; consuming goes on", e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
