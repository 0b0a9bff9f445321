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
import java.util.Optional;
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
import org.apache.kafka.common.errors.RecordTooLargeException;
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
 * host's older checkpoint does not cover. Without the marker, recovery resumes at the last complete round. A
 * checkpoint that can never be stored (it cannot be encoded, or is too large) is reported back, so that its host is
 * quarantined and the round written again with what is kept of a quarantined host: its bookkeeping, and the
 * quarantine in a header.
 */
public final class CheckpointStore implements AutoCloseable {

    static final String SOURCE_OFFSET_HEADER = "gemtrack.checkpoint.source.offset";
    /**
     * Why the host is quarantined, on the checkpoint of a quarantined host. A header rather than a field: the
     * checkpoint's format stays the one every reader knows, and the state it holds is then empty.
     */
    static final String QUARANTINE_HEADER = "gemtrack.checkpoint.quarantine";
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
     * A host's checkpoint as a round stores it.
     *
     * @param quarantine why the host is quarantined, if it is: stored in a header beside the checkpoint (which is then
     *                   the host's bookkeeping without its state), and set again on the model restored from it
     */
    public record Entry(HostCheckpoint checkpoint, Optional<String> quarantine) {
    }

    /**
     * What became of a round.
     *
     * @param complete   whether every checkpoint and then the marker were stored, so recovery can resume at the round's offset
     * @param unstorable the hosts whose checkpoint can never be stored as it is (it cannot be encoded, or is larger than
     *                   the topic takes), with the error: the caller's to quarantine
     * @param encoded    the checkpoints as the round encoded them, for another store to write as they are
     */
    public record Round(boolean complete, Map<String, Throwable> unstorable, List<Encoded> encoded) {
    }

    /** A host's checkpoint encoded as a round stores it: its bytes, and why the host is quarantined if it is. */
    public record Encoded(String host, byte[] value, Optional<String> quarantine) {
    }

    /**
     * Writes the checkpoints of {@code hosts}, all of events partition {@code partition} and covering its offsets
     * below {@code sourceOffset}, and then the round's marker if they were all stored.
     */
    public Round writeRound(int partition, Collection<Entry> hosts, long sourceOffset) {
        List<Encoded> encoded = new ArrayList<>();
        Map<String, Throwable> unstorable = new LinkedHashMap<>();
        for (Entry host : hosts) {
            String name = host.checkpoint().host();
            try {
                encoded.add(new Encoded(name, stored(codec.encode(host.checkpoint())), host.quarantine()));
            } catch (RuntimeException e) {
                unstorable.put(name, e);
            }
        }
        return write(partition, encoded, unstorable, sourceOffset);
    }

    /** Writes a round of checkpoints another store's round encoded ({@link Round#encoded()}), as they are. */
    public Round writeRound(int partition, List<Encoded> hosts, long sourceOffset) {
        return write(partition, hosts, new LinkedHashMap<>(), sourceOffset);
    }

    private Round write(int partition, List<Encoded> hosts, Map<String, Throwable> unstorable, long sourceOffset) {
        try {
            return sendRound(partition, hosts, unstorable, sourceOffset);
        } catch (KafkaException | IllegalStateException e) {
            // What the producer throws on a send it is closed under, or after: the round was given up.
            if (abandoned) {
                return new Round(false, Map.of(), List.of());
            }
            throw e;
        }
    }

    private Round sendRound(int partition, List<Encoded> hosts, Map<String, Throwable> unstorable, long sourceOffset) {
        Map<String, Future<RecordMetadata>> stored = new LinkedHashMap<>();
        for (Encoded host : hosts) {
            ProducerRecord<byte[], byte[]> record = record(partition, host.host().getBytes(StandardCharsets.UTF_8), host.value(),
                    sourceOffset);
            host.quarantine().ifPresent(reason -> record.headers().add(QUARANTINE_HEADER, reason.getBytes(StandardCharsets.UTF_8)));
            stored.put(host.host(), producer.send(record));
        }
        producer.flush();
        boolean allStored = unstorable.isEmpty();
        for (Map.Entry<String, Future<RecordMetadata>> host : stored.entrySet()) {
            Throwable failure = failure(partition, host.getValue());
            if (failure instanceof RecordTooLargeException) {
                unstorable.put(host.getKey(), failure);
            }
            allStored &= failure == null;
        }
        if (!allStored) {
            return new Round(false, unstorable, hosts);
        }
        Future<RecordMetadata> marker = producer.send(record(partition, ROUND_MARKER, ROUND_MARKER, sourceOffset));
        producer.flush();
        return new Round(failure(partition, marker) == null, unstorable, hosts);
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

    /** Why a checkpoint record was not stored, logged unless the round was given up; {@code null} once it is stored. */
    private Throwable failure(int partition, Future<RecordMetadata> record) {
        try {
            record.get();
            return null;
        } catch (ExecutionException e) {
            if (!abandoned) {
                log.warn("a checkpoint record of events partition {} was not stored, so recovery resumes at the last"
                        + " complete round", partition, e.getCause());
            }
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private ProducerRecord<byte[], byte[]> record(int partition, byte[] key, byte[] value, long sourceOffset) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, key, value);
        record.headers().add(SOURCE_OFFSET_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(sourceOffset).array());
        return record;
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
                HostModel host = restored(codec, record.value());
                Header quarantine = record.headers().lastHeader(QUARANTINE_HEADER);
                if (quarantine != null) {
                    host.quarantine(new String(quarantine.value(), StandardCharsets.UTF_8));
                }
                hosts.add(host);
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

    /** The model a stored checkpoint holds. */
    static HostModel restored(CheckpointCodec codec, byte[] value) throws IOException {
        return HostModel.restore(codec.decode(loaded(value)));
    }

    /** Whether a record is a host's checkpoint that holds its state: not a round's marker, a tombstone or a quarantined host's. */
    static boolean holdsState(ConsumerRecord<byte[], byte[]> record) {
        return record.key() != null && record.key().length > 0 && record.value() != null
                && record.headers().lastHeader(QUARANTINE_HEADER) == null && record.headers().lastHeader(SOURCE_OFFSET_HEADER) != null;
    }

    /** The events offset a checkpoint record covers: its host has applied every record of the partition below it. */
    static long sourceOffset(ConsumerRecord<byte[], byte[]> record) {
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
