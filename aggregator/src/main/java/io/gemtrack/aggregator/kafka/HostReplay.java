package io.gemtrack.aggregator.kafka;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomPostMortems;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A host as it was at an instant, folded off to the side from the events topic: every retained record of the host's
 * partition before the first record stamped at or after the instant (Kafka's {@code offsetsForTimes}), those of
 * the host folded from scratch into a model of its own, as the aggregator would have folded them. Nothing of a live
 * model is read or touched.
 *
 * <p>Bounded: a question reads at most {@link #MAX_RECORDS} records of the partition and takes at most
 * {@link #MAX_TIME}; one that would need more is refused ({@link TooLargeException}). Not thread-safe.
 */
public final class HostReplay implements AutoCloseable {

    /** Records of the host's partition one question may read: about a minute of folding on a busy machine. */
    public static final long MAX_RECORDS = 5_000_000;
    /** How long one question may take, reading and folding. */
    public static final Duration MAX_TIME = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec codec = new EventCodec();

    /**
     * The host as of an instant.
     *
     * @param model                the fold of the host's events before the instant
     * @param recordsRead          records of the partition read (the host's and others')
     * @param eventsFolded         the host's events among them that were folded
     * @param logStartOffset       the partition's first retained offset: above 0, retention deleted older records, and
     *                             the fold starts from what is left (a host synchronises at its next snapshot)
     * @param throughOffset        the offset of the first record at or after the instant, where the fold stopped
     * @param oldestRetainedMillis the timestamp of the oldest retained record, empty when the partition holds none
     * @param olderThanRetained    whether the instant is before the oldest retained record: nothing can be told of it
     */
    public record Result(String host, long atEpochMillis, HostModel model, long recordsRead, long eventsFolded,
                         long logStartOffset, long throughOffset, OptionalLong oldestRetainedMillis, boolean olderThanRetained) {
    }

    /** A question whose answer would read or take more than the bounds allow. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** @param settings the Kafka client settings (the brokers and any security settings) */
    public HostReplay(KafkaSettings settings, String topic) {
        this.topic = topic;
        Map<String, Object> config = settings.consumer(Map.of());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(config);
    }

    /** The partition of {@code host}: where the producer's partitioner puts the host's key. */
    public TopicPartition partitionOf(String host) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, POLL.multipliedBy(50));
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist");
        }
        return new TopicPartition(topic, BuiltInPartitioner.partitionForKey(host.getBytes(StandardCharsets.UTF_8), partitions.size()));
    }

    /**
     * Where a fold of {@code host} as of {@code atEpochMillis} stops: the offset of the first record of its partition
     * stamped at or after it, or the partition's end.
     */
    public long throughOffset(String host, long atEpochMillis) {
        TopicPartition partition = partitionOf(host);
        OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, atEpochMillis)).get(partition);
        return found != null ? found.offset() : consumer.endOffsets(List.of(partition)).get(partition);
    }

    /** {@code host} as it was at {@code atEpochMillis}. */
    public Result replay(String host, long atEpochMillis) {
        TopicPartition partition = partitionOf(host);
        long through = throughOffset(host, atEpochMillis);
        long start = consumer.beginningOffsets(List.of(partition)).get(partition);
        if (through - start > MAX_RECORDS) {
            throw new TooLargeException(String.format("%s as of %d would fold %d records of %s from its start; at most %d are"
                    + " read for one question", host, atEpochMillis, through - start, partition, MAX_RECORDS));
        }
        byte[] key = host.getBytes(StandardCharsets.UTF_8);
        HostModel model = new HostModel(host);
        consumer.assign(List.of(partition));
        consumer.seek(partition, start);
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        long read = 0;
        long folded = 0;
        OptionalLong oldest = OptionalLong.empty();
        while (consumer.position(partition) < through) {
            if (System.nanoTime() > deadline) {
                throw new TooLargeException(host + " as of " + atEpochMillis + " took longer than " + MAX_TIME + " to fold");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= through) {
                    break;
                }
                read++;
                if (oldest.isEmpty()) {
                    oldest = OptionalLong.of(record.timestamp());
                }
                if (Arrays.equals(record.key(), key) && fold(model, record)) {
                    folded++;
                }
            }
        }
        if (oldest.isEmpty()) {
            oldest = oldestTimestamp(partition, start);
        }
        consumer.unsubscribe();
        boolean olderThanRetained = oldest.isEmpty() || atEpochMillis < oldest.getAsLong();
        return new Result(host, atEpochMillis, model, read, folded, start, through, oldest, olderThanRetained);
    }

    /** Folds one record of the host as the aggregator would; one that is not an event counts for nothing, as there. */
    private boolean fold(HostModel model, ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return false;
        }
        Event event;
        try {
            event = codec.decode(record.value());
        } catch (MalformedEventException e) {
            return false;
        }
        if (!event.host().equals(model.host())) {
            return false;
        }
        OomPostMortems.apply(model, event, record.timestamp());
        return true;
    }

    /** The timestamp of the partition's first retained record, when the fold read none (the instant is before it). */
    private OptionalLong oldestTimestamp(TopicPartition partition, long start) {
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        if (end <= start) {
            return OptionalLong.empty();
        }
        consumer.assign(List.of(partition));
        consumer.seek(partition, start);
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                return OptionalLong.of(record.timestamp());
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
