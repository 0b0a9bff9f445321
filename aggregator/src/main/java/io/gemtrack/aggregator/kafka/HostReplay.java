package io.gemtrack.aggregator.kafka;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.Topics;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomPostMortems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host as it was at an instant, folded off to the side: from the newest of its checkpoints that covers no record at
 * or after the instant (in the checkpoint history, or the live checkpoints), or else from the start of the retained
 * events log, then every record of the host's partition from there up to the first record stamped at or after the
 * instant (Kafka's {@code offsetsForTimes}), those of the host folded as the aggregator would have folded them. Nothing
 * of a live model is read or touched.
 *
 * <p>Checkpoints are found without reading a whole topic: from {@code offsetsForTimes} at the instant minus
 * {@link #LOOKBACK}, forward until records are stamped more than {@link #WRITE_SLACK} after the instant, and further
 * back, four times as far each time, only while none is found; only the host's records are kept, and only the
 * best one is decoded. A quarantined host's checkpoint holds no state and is never a start.
 *
 * <p>Bounded: a question folds at most {@link #MAX_RECORDS} records of the partition from where it starts and takes at
 * most {@link #MAX_TIME}; one that would need more is refused ({@link TooLargeException}). Not thread-safe.
 */
public final class HostReplay implements AutoCloseable {

    /** Records of the host's partition one question may fold: about a minute of folding on a busy machine. */
    public static final long MAX_RECORDS = 5_000_000;
    /** How long one question may take, finding its start, reading and folding. */
    public static final Duration MAX_TIME = Duration.ofSeconds(120);
    /** How far before the instant the search for a checkpoint starts: longer than the history's default interval. */
    public static final Duration LOOKBACK = Duration.ofMinutes(15);
    /**
     * How long after the instant a checkpoint written may still be a start: one written then covers no record at or
     * after the instant when none came in between, and the writer's clock may be behind the producers'.
     */
    public static final Duration WRITE_SLACK = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Logger log = LoggerFactory.getLogger(HostReplay.class);

    private final String topic;
    private final List<String> checkpointTopics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec codec = new EventCodec();
    private final CheckpointCodec checkpointCodec = new CheckpointCodec();

    /**
     * Where a fold started.
     *
     * @param checkpointTopic        the topic of the checkpoint it started from; empty: from the log's start
     * @param checkpointWrittenMillis when that checkpoint was written (its record's timestamp)
     * @param offset                 the events offset it started at: what the checkpoint covers, or the log's start
     */
    public record Start(Optional<String> checkpointTopic, OptionalLong checkpointWrittenMillis, long offset) {

        static Start logStart(long offset) {
            return new Start(Optional.empty(), OptionalLong.empty(), offset);
        }

        public boolean fromCheckpoint() {
            return checkpointTopic.isPresent();
        }
    }

    /**
     * The host as of an instant.
     *
     * @param model                 the fold of the host's events before the instant
     * @param recordsRead           records of the events partition read from the start (the host's and others')
     * @param eventsFolded          the host's events among them that were folded
     * @param logStartOffset        the partition's first retained offset: above 0, retention deleted older records, and
     *                              a fold from there starts from what is left (a host synchronises at its next snapshot)
     * @param throughOffset         the offset of the first record at or after the instant, where the fold stopped
     * @param oldestRetainedMillis  the timestamp of the oldest retained record, empty when the partition holds none
     * @param olderThanRetained     whether the instant is before the oldest retained record and no checkpoint told of it:
     *                              nothing can be told of it
     * @param start                 where the fold started
     * @param checkpointRecordsRead the records of the checkpoint topics read to find the start
     */
    public record Result(String host, long atEpochMillis, HostModel model, long recordsRead, long eventsFolded,
                         long logStartOffset, long throughOffset, OptionalLong oldestRetainedMillis, boolean olderThanRetained,
                         Start start, long checkpointRecordsRead) {
    }

    /** A question whose answer would read or take more than the bounds allow. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message);
        }
    }

    /** A checkpoint of the host that may start the fold, as stored. */
    private record Candidate(String topic, long coveredOffset, long writtenMillis, byte[] value) {
    }

    /** Folds from the checkpoints of {@code topic}'s history and live checkpoints topics, by their default names. */
    public HostReplay(KafkaSettings settings, String topic) {
        this(settings, topic, List.of(Topics.checkpointHistoryOf(topic), Topics.checkpointsOf(topic)));
    }

    /**
     * @param settings         the Kafka client settings (the brokers and any security settings)
     * @param checkpointTopics the topics whose checkpoints may start a fold, partitioned like the events; one that does
     *                         not exist is passed over
     */
    public HostReplay(KafkaSettings settings, String topic, List<String> checkpointTopics) {
        this.topic = topic;
        this.checkpointTopics = List.copyOf(checkpointTopics);
        Map<String, Object> config = settings.consumer(Map.of());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // Asking for a checkpoint topic that does not exist must not create it with the broker's defaults.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
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
        return throughOffset(partitionOf(host), atEpochMillis);
    }

    private long throughOffset(TopicPartition partition, long atEpochMillis) {
        OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, atEpochMillis)).get(partition);
        return found != null ? found.offset() : consumer.endOffsets(List.of(partition)).get(partition);
    }

    /** {@code host} as it was at {@code atEpochMillis}. */
    public Result replay(String host, long atEpochMillis) {
        TopicPartition partition = partitionOf(host);
        return replay(host, atEpochMillis, partition, throughOffset(partition, atEpochMillis));
    }

    /**
     * {@code host} as it was at {@code atEpochMillis}, its fold stopping at {@code through}: what
     * {@link #throughOffset} said for the instant, so that a caller who keyed its question by it gets that fold.
     */
    public Result replay(String host, long atEpochMillis, long through) {
        return replay(host, atEpochMillis, partitionOf(host), through);
    }

    private Result replay(String host, long atEpochMillis, TopicPartition partition, long through) {
        long deadline = System.nanoTime() + MAX_TIME.toNanos();
        long logStart = consumer.beginningOffsets(List.of(partition)).get(partition);
        byte[] key = host.getBytes(StandardCharsets.UTF_8);
        long[] checkpointRecordsRead = {0};
        Optional<Candidate> best = Optional.empty();
        for (String checkpoints : checkpointTopics) {
            Optional<Candidate> found = newestCheckpoint(new TopicPartition(checkpoints, partition.partition()), key, atEpochMillis,
                    logStart, through, deadline, checkpointRecordsRead);
            if (found.isPresent() && (best.isEmpty() || found.get().coveredOffset() > best.get().coveredOffset())) {
                best = found;
            }
        }
        Optional<HostModel> restored = best.flatMap(candidate -> restored(host, candidate));
        Start start = restored.isPresent()
                ? new Start(Optional.of(best.get().topic()), OptionalLong.of(best.get().writtenMillis()), best.get().coveredOffset())
                : Start.logStart(logStart);
        HostModel model = restored.orElseGet(() -> new HostModel(host));
        if (through - start.offset() > MAX_RECORDS) {
            throw new TooLargeException(String.format("%s as of %d would fold %d records of %s from offset %d; at most %d are"
                    + " read for one question", host, atEpochMillis, through - start.offset(), partition, start.offset(), MAX_RECORDS));
        }
        long[] read = {0};
        long[] folded = {0};
        OptionalLong[] first = {OptionalLong.empty()};
        HostModel folding = model;
        read(partition, start.offset(), through, deadline, host + " as of " + atEpochMillis, record -> {
            read[0]++;
            if (first[0].isEmpty()) {
                first[0] = OptionalLong.of(record.timestamp());
            }
            if (Arrays.equals(record.key(), key) && fold(folding, record)) {
                folded[0]++;
            }
            return true;
        });
        OptionalLong oldest = start.offset() == logStart && first[0].isPresent() ? first[0] : oldestTimestamp(partition, logStart, deadline);
        consumer.unsubscribe();
        boolean olderThanRetained = !start.fromCheckpoint() && (oldest.isEmpty() || atEpochMillis < oldest.getAsLong());
        return new Result(host, atEpochMillis, model, read[0], folded[0], logStart, through, oldest, olderThanRetained, start,
                checkpointRecordsRead[0]);
    }

    /**
     * The host's checkpoint in {@code checkpoints} with the greatest covered offset in {@code [logStart, through]}: one
     * covering no record at or after the instant, and no record retention deleted. Empty when the topic does not exist,
     * or holds none.
     */
    private Optional<Candidate> newestCheckpoint(TopicPartition checkpoints, byte[] key, long at, long logStart, long through,
                                                 long deadline, long[] recordsRead) {
        List<PartitionInfo> partitions = consumer.partitionsFor(checkpoints.topic(), POLL.multipliedBy(50));
        if (partitions == null || partitions.size() <= checkpoints.partition()) {
            return Optional.empty();
        }
        long beginning = consumer.beginningOffsets(List.of(checkpoints)).get(checkpoints);
        long until = consumer.endOffsets(List.of(checkpoints)).get(checkpoints);
        long latestWritten = at + WRITE_SLACK.toMillis();
        Candidate[] best = {null};
        for (Duration lookback = LOOKBACK; until > beginning; lookback = lookback.multipliedBy(4)) {
            long since = Math.max(0, at - lookback.toMillis());
            OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(checkpoints, since)).get(checkpoints);
            long from = found != null ? Math.min(found.offset(), until) : until;
            if (since == 0) {
                from = beginning;
            }
            read(checkpoints, from, until, deadline, "finding a checkpoint of " + checkpoints, record -> {
                recordsRead[0]++;
                if (record.timestamp() > latestWritten) {
                    return false;
                }
                if (Arrays.equals(record.key(), key) && CheckpointStore.holdsState(record)) {
                    long covered = CheckpointStore.sourceOffset(record);
                    if (covered >= logStart && covered <= through && (best[0] == null || covered >= best[0].coveredOffset())) {
                        best[0] = new Candidate(checkpoints.topic(), covered, record.timestamp(), record.value());
                    }
                }
                return true;
            });
            if (best[0] != null || from <= beginning) {
                break;
            }
            until = from;
        }
        consumer.unsubscribe();
        return Optional.ofNullable(best[0]);
    }

    /** The model a candidate holds; empty, and logged, when it cannot be restored (the fold then starts at the log's start). */
    private Optional<HostModel> restored(String host, Candidate candidate) {
        try {
            HostModel model = CheckpointStore.restored(checkpointCodec, candidate.value());
            if (model.host().equals(host)) {
                return Optional.of(model);
            }
            log.warn("the checkpoint of {} in {} covering offset {} is of host {}; folding from the log's start", host,
                    candidate.topic(), candidate.coveredOffset(), model.host());
        } catch (IOException | IllegalArgumentException e) {
            log.warn("the checkpoint of {} in {} covering offset {} cannot be restored; folding from the log's start", host,
                    candidate.topic(), candidate.coveredOffset(), e);
        }
        return Optional.empty();
    }

    /**
     * Reads {@code partition} from offset {@code from} to {@code until} (exclusive), handing each record to
     * {@code visitor} until it returns false.
     */
    private void read(TopicPartition partition, long from, long until, long deadline, String what,
                      Predicate<ConsumerRecord<byte[], byte[]>> visitor) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        while (consumer.position(partition) < until) {
            if (System.nanoTime() > deadline) {
                throw new TooLargeException(what + " took longer than " + MAX_TIME);
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                if (record.offset() >= until || !visitor.test(record)) {
                    return;
                }
            }
        }
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

    /**
     * The timestamp of the partition's first retained record, when the fold read none (it started from a checkpoint,
     * or the instant is before that record), within the question's time.
     */
    private OptionalLong oldestTimestamp(TopicPartition partition, long start, long deadline) {
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        OptionalLong[] oldest = {OptionalLong.empty()};
        if (end > start) {
            read(partition, start, end, deadline, "finding the oldest record of " + partition, record -> {
                oldest[0] = OptionalLong.of(record.timestamp());
                return false;
            });
        }
        return oldest[0];
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
    }
}
