package io.gemtrack.aggregator.kafka;

import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.UnknownCheckpointFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host checkpoints in a compacted topic with the events topic's partitioning: partition p holds the latest
 * checkpoint of every host of events partition p, each stamped with the events offset it covers.
 *
 * <p>A round writes every host of a partition, then a marker (the empty key, which no host can have) with the
 * same offset. Restoring takes the latest checkpoint of each host and resumes at the last marker: hosts whose
 * checkpoint is newer than the marker (a round cut short) see events they already applied again, which the
 * model ignores by sequence number, so a crash at any point loses nothing and applies nothing twice. A host's
 * tombstone (its key without a value) deletes its checkpoint: the host was dropped.
 *
 * <p>The marker is written only once every host of its round is stored. A host's checkpoint can fail (one larger
 * than {@link #MAX_CHECKPOINT_BYTES} even gzipped, a broker error): a marker after it would let recovery skip events that
 * host's older checkpoint does not cover. Without the marker, recovery resumes at the last complete round.
 */
public final class CheckpointStore implements AutoCloseable {

    static final String SOURCE_OFFSET_HEADER = "gemtrack.checkpoint.source.offset";
    private static final byte[] ROUND_MARKER = new byte[0];
    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
    private static final int CHECKPOINT_BATCH_BYTES = 1 << 20;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final KafkaSettings settings;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final CheckpointCodec codec = new CheckpointCodec();
    private volatile boolean abandoned;

    public CheckpointStore(KafkaSettings settings, String topic) {
        this(settings, topic, MAX_CHECKPOINT_BYTES);
    }

    /** With a smaller limit than the topic's, so a test can make a checkpoint too large without writing 64 MB. */
    CheckpointStore(KafkaSettings settings, String topic, int maxCheckpointBytes) {
        this.settings = settings;
        this.topic = topic;
        Map<String, Object> config = settings.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxCheckpointBytes,
                // A round is thousands of host checkpoints of a few kilobytes sent at once. In Kafka's 16 KiB batches
                // each batch's compressor allocated its block buffers afresh for two or three of them: a third of a
                // round's time in a JFR recording of 26,000 hosts.
                ProducerConfig.BATCH_SIZE_CONFIG, CHECKPOINT_BATCH_BYTES));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
    }

    /** The largest checkpoint record; the topic is created with the same {@code max.message.bytes}. */
    public static final int MAX_CHECKPOINT_BYTES = 64 << 20;
    /** Checkpoints larger than this are stored gzipped (see {@link #stored}). */
    static final int COMPRESS_ABOVE_BYTES = 1 << 20;

    /**
     * Writes the checkpoints of {@code hosts}, all of events partition {@code partition} and covering its offsets
     * below {@code sourceOffset}, and then the round's marker if they were all stored.
     *
     * @return whether the round is complete, so recovery can resume at {@code sourceOffset}
     */
    public boolean writeRound(int partition, Collection<HostCheckpoint> hosts, long sourceOffset) {
        try {
            return sendRound(partition, hosts, sourceOffset);
        } catch (KafkaException | IllegalStateException e) {
            // What the producer throws on a send it is closed under, or after: the round was given up.
            if (abandoned) {
                return false;
            }
            throw e;
        }
    }

    private boolean sendRound(int partition, Collection<HostCheckpoint> hosts, long sourceOffset) {
        List<Future<RecordMetadata>> stored = new ArrayList<>(hosts.size());
        for (HostCheckpoint host : hosts) {
            stored.add(send(partition, host.host().getBytes(StandardCharsets.UTF_8), stored(codec.encode(host)), sourceOffset));
        }
        producer.flush();
        if (!allStored(partition, stored)) {
            return false;
        }
        Future<RecordMetadata> marker = send(partition, ROUND_MARKER, ROUND_MARKER, sourceOffset);
        producer.flush();
        return allStored(partition, List.of(marker));
    }

    /**
     * Gives up the round being written, and every later one, at once: for a stop that cannot wait for a broker that
     * does not answer, or is gone. What was not stored yet fails, and recovery resumes at the last complete round, as
     * after a crash. Safe to call from another thread than the one writing.
     */
    public void abandonWrites() {
        abandoned = true;
        producer.close(Duration.ZERO);
    }

    /**
     * A checkpoint as stored: its JSON, or, above {@link #COMPRESS_ABOVE_BYTES}, that JSON gzipped. The producer
     * checks a record's size before its batch is compressed, so without this a host of more than about 400,000
     * objects could never be checkpointed; its JSON compresses about tenfold. Small ones stay readable JSON.
     */
    static byte[] stored(byte[] json) {
        if (json.length <= COMPRESS_ABOVE_BYTES) {
            return json;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(json.length / 8);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compress a checkpoint in memory", e);
        }
        return bytes.toByteArray();
    }

    /** The JSON of a stored checkpoint: gzip is told by its magic bytes, which no JSON text starts with. */
    static byte[] loaded(byte[] value) throws IOException {
        if (value.length < 2 || (value[0] & 0xff) != 0x1f || (value[1] & 0xff) != 0x8b) {
            return value;
        }
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(value), 1 << 16)) {
            return gzip.readAllBytes();
        }
    }

    private boolean allStored(int partition, List<Future<RecordMetadata>> records) {
        for (Future<RecordMetadata> record : records) {
            try {
                record.get();
            } catch (ExecutionException e) {
                if (!abandoned) {
                    log.warn("a checkpoint record of events partition {} was not stored, so recovery resumes at the last"
                            + " complete round", partition, e.getCause());
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private Future<RecordMetadata> send(int partition, byte[] key, byte[] value, long sourceOffset) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, key, value);
        record.headers().add(SOURCE_OFFSET_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(sourceOffset).array());
        return producer.send(record);
    }

    /**
     * Deletes the checkpoint of {@code host}, of events partition {@code partition}, by a tombstone, so that a new owner
     * of the partition does not restore a host that was dropped. Waits for the broker; if it fails, the host comes back
     * at the next restore, to be dropped again once silent long enough.
     */
    public void forget(int partition, String host) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, host.getBytes(StandardCharsets.UTF_8), null)).get();
        } catch (ExecutionException e) {
            log.warn("the tombstone of host {} in events partition {}'s checkpoints was not stored", host, partition, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What a new owner of events partition {@code partition} starts from. One host's checkpoint that cannot be
     * restored (unreadable, inconsistent, or of a format this version does not read) sends the whole partition back
     * to its start, as if it had no checkpoint.
     */
    public Restored read(int partition) {
        Map<String, Object> config = settings.consumer(Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_CHECKPOINT_BYTES));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        TopicPartition checkpoints = new TopicPartition(topic, partition);
        Map<String, ConsumerRecord<byte[], byte[]>> latest = new LinkedHashMap<>();
        OptionalLong resumeAt = OptionalLong.empty();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(checkpoints));
            consumer.seekToBeginning(List.of(checkpoints));
            long end = consumer.endOffsets(List.of(checkpoints)).get(checkpoints);
            while (consumer.position(checkpoints) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().length == 0) {
                        resumeAt = OptionalLong.of(sourceOffset(record));
                    } else if (record.value() == null) {
                        latest.remove(new String(record.key(), StandardCharsets.UTF_8));
                    } else {
                        latest.put(new String(record.key(), StandardCharsets.UTF_8), record);
                    }
                }
            }
        }
        if (resumeAt.isEmpty()) {
            return new Restored(List.of(), resumeAt);
        }
        List<HostModel> hosts = new ArrayList<>(latest.size());
        for (ConsumerRecord<byte[], byte[]> record : latest.values()) {
            try {
                hosts.add(HostModel.restore(codec.decode(loaded(record.value()))));
            } catch (UnknownCheckpointFormatException e) {
                // Another version's checkpoint rather than a damaged one: its format says all there is to say.
                log.warn("checkpoint at {}@{} not restored ({}); replaying partition {} from its start", checkpoints, record.offset(),
                        e.getMessage(), partition);
                return new Restored(List.of(), OptionalLong.empty());
            } catch (IOException | IllegalArgumentException e) {
                // Without this host's checkpoint its events must be replayed from the start of the partition.
                log.warn("unreadable checkpoint at {}@{}; replaying partition {} from its start", checkpoints, record.offset(), partition, e);
                return new Restored(List.of(), OptionalLong.empty());
            }
        }
        return new Restored(hosts, resumeAt);
    }

    private static long sourceOffset(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(SOURCE_OFFSET_HEADER);
        return ByteBuffer.wrap(header.value()).getLong();
    }

    /**
     * @param hosts    the restored models of the partition's hosts
     * @param resumeAt the events offset to resume at; empty: no complete round, replay the partition from its start
     */
    public record Restored(List<HostModel> hosts, OptionalLong resumeAt) {
    }

    /** Closes the producer, waiting at most {@link #CLOSE_TIMEOUT} for a broker that may be gone. */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
