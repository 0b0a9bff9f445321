package io.gemtrack.aggregator.kafka;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostCheckpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    private static final Logger log = LoggerFactory.getLogger(EventConsumer.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final FleetModel fleet;
    private final ConsumerMetrics metrics;
    private final DeadLetterPublisher deadLetters;
    private final AppliedListener listener;
    private final CheckpointStore checkpoints;
    private final Duration checkpointInterval;
    /**
     * The events partition of each host this consumer owns: a host's events all come from one partition. Written
     * by the applier; the consumer thread touches it only after {@link #drain()}, which orders the two.
     */
    private final Map<String, Integer> partitionOfHost = new HashMap<>();
    private long lastCheckpointNanos = System.nanoTime();
    private final EventCodec codec = new EventCodec();
    private final ExecutorService applier = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "gemtrack-apply"));
    /** The batch the applier is working on, if any. */
    private Future<?> applying = CompletableFuture.completedFuture(null);
    private volatile boolean running = true;

    public EventConsumer(KafkaSettings settings, String groupId, String topic, FleetModel fleet,
                         ConsumerMetrics metrics, DeadLetterPublisher deadLetters, AppliedListener listener,
                         CheckpointStore checkpoints, Duration checkpointInterval) {
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
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new HostHandover());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    List<Decoded> batch = decode(records);
                    drain();
                    applying = applier.submit(() -> batch.forEach(this::handle));
                }
                count(this::reportLag);
                if (System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos()) {
                    drain();
                    checkpoint(consumer.assignment());
                }
            }
            drain();
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            log.error("the event consumer stopped on an unexpected error", e);
            throw e;
        } finally {
            try {
                consumer.close();
            } finally {
                applier.shutdownNow();
            }
        }
    }

    /**
     * Waits until the applier has applied every record polled so far. An error the applier met stops the
     * consumer as it would have stopped a single-threaded loop.
     */
    private void drain() {
        try {
            applying.get();
        } catch (ExecutionException e) {
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

    private void handle(Decoded decoded) {
        ConsumerRecord<byte[], byte[]> record = decoded.record();
        if (decoded.malformed() != null) {
            MalformedEventException e = decoded.malformed();
            deadLetters.send(record, e.kind().name(), e.getMessage());
            count(() -> metrics.deadLetter(e.kind().name()));
            return;
        }
        Event event = decoded.event();
        ApplyResult result;
        long applyNanos;
        synchronized (fleet) {
            // Timed inside the lock: the histogram is about the model's cost, not about waiting for a scrape.
            long start = System.nanoTime();
            result = fleet.apply(event);
            applyNanos = System.nanoTime() - start;
        }
        partitionOfHost.putIfAbsent(event.host(), record.partition());
        count(() -> metrics.applyDuration(applyNanos));
        if (result instanceof ApplyResult.Rejected rejected) {
            deadLetters.send(record, MODEL_INVARIANT, rejected.reason());
            count(() -> metrics.deadLetter(MODEL_INVARIANT));
        } else if (result == ApplyResult.DUPLICATE) {
            count(metrics::duplicate);
        } else if (result == ApplyResult.SKIPPED) {
            count(metrics::skipped);
        } else {
            count(() -> metrics.applied(event.type()));
            listener.applied(record, event);
        }
    }

    /** Writes a checkpoint round of each partition, covering what this consumer has read of it. */
    private void checkpoint(Collection<TopicPartition> partitions) {
        lastCheckpointNanos = System.nanoTime();
        for (TopicPartition partition : partitions) {
            List<HostCheckpoint> hosts = new ArrayList<>();
            synchronized (fleet) {
                partitionOfHost.forEach((host, owner) -> {
                    if (owner == partition.partition()) {
                        hosts.add(fleet.host(host).checkpoint());
                    }
                });
            }
            checkpoints.writeRound(partition.partition(), hosts, consumer.position(partition));
        }
    }

    /** Hosts move with their partitions: checkpointed when one leaves, restored (and replayed) when one arrives. */
    private final class HostHandover implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drain();
            checkpoint(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drain();
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            drain();
            for (TopicPartition partition : partitions) {
                CheckpointStore.Restored restored = checkpoints.read(partition.partition());
                synchronized (fleet) {
                    restored.hosts().forEach(fleet::put);
                }
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
            synchronized (fleet) {
                partitionOfHost.entrySet().removeIf(owned -> {
                    if (gone.contains(owned.getValue())) {
                        fleet.remove(owned.getKey());
                        return true;
                    }
                    return false;
                });
            }
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
