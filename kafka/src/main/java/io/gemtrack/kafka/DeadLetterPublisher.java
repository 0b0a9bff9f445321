package io.gemtrack.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records the aggregator cannot apply to the dead-letter topic: the original key and bytes unchanged,
 * and in headers the reason and the source coordinates, in the manner of Kafka Connect's error headers.
 *
 * <p>Every send is confirmed. The Kafka producer retries what it deems retriable; a send that fails all the same is
 * tried again, up to {@link #ATTEMPTS} times in all, and then logged with its source record's topic, partition and
 * offset and reported {@linkplain Outcomes#deadLetterLost lost}. Only a record the broker has stored is reported
 * {@linkplain Outcomes#deadLetterStored stored}.
 *
 * <p>Dead letters fit: the producer takes records of {@link #recordBytesFor} the events topic's largest, which
 * leaves {@link #HEADER_ROOM_BYTES} for the headers, and the message header is cut to {@link #MAX_MESSAGE_BYTES}.
 * A source record larger than that (one the events topic took compressed) has its value cut to fit, with
 * {@link #TRUNCATED_HEADER} saying how long it was, rather than not being stored at all.
 */
public final class DeadLetterPublisher implements AutoCloseable {

    public static final String REASON_HEADER = "gemtrack.errors.reason";
    public static final String MESSAGE_HEADER = "gemtrack.errors.message";
    public static final String TOPIC_HEADER = "gemtrack.errors.topic";
    public static final String PARTITION_HEADER = "gemtrack.errors.partition";
    public static final String OFFSET_HEADER = "gemtrack.errors.offset";
    /** On a dead letter whose value was cut to fit: the length of the source record's value, in bytes. */
    public static final String TRUNCATED_HEADER = "gemtrack.errors.truncated.from.bytes";
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    /** Room in a dead letter beyond its source record's key and value: the headers, and Kafka's record overhead. */
    public static final int HEADER_ROOM_BYTES = 16 << 10;
    /** The most of a message the message header keeps, in UTF-8 bytes; a message may quote a record's key. */
    static final int MAX_MESSAGE_BYTES = 4 << 10;
    /** What Kafka adds to a record of its own beyond the key, value and headers (lengths, attributes), generously. */
    private static final int RECORD_OVERHEAD_BYTES = 512;

    /** How often a dead letter is sent before it counts as lost. */
    public static final int ATTEMPTS = 3;
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    /** What became of each dead letter; told on the producer's I/O thread or the retry thread, so it must be quick. */
    public interface Outcomes {

        /** The broker stored a dead letter of {@code reason}. */
        void deadLetterStored(String reason);

        /** A dead letter of {@code reason} could not be stored after every attempt, and was logged. */
        void deadLetterLost(String reason);
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Outcomes outcomes;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gemtrack-dead-letter-retry");
        thread.setDaemon(true);
        return thread;
    });

    private final int maxRecordBytes;

    /**
     * @param maxRecordBytes the largest dead letter to send, the dead-letter topic's {@code max.message.bytes}:
     *                       {@link #recordBytesFor} that of the events topic
     */
    public DeadLetterPublisher(KafkaSettings settings, String topic, int maxRecordBytes, Outcomes outcomes) {
        Map<String, Object> config = settings.producer(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"));
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
        // A batch of one record each. A batch the topic refuses as too large is split by the producer and sent again,
        // and one that fits in batch.size splits into itself: it would be sent again and again until the delivery
        // timeout, taking every dead letter batched with the large one down with it. Dead letters are few.
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 0);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
        this.outcomes = outcomes;
    }

    /** The size of the largest dead letter of a record from a topic whose {@code max.message.bytes} is {@code eventBytes}. */
    public static int recordBytesFor(int eventBytes) {
        return eventBytes + HEADER_ROOM_BYTES;
    }

    /** Sends {@code source} as a dead letter; its outcome is told to the {@link Outcomes} later. */
    public void send(ConsumerRecord<byte[], byte[]> source, String reason, String message) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, utf8(reason));
        headers.add(MESSAGE_HEADER, cut(message));
        headers.add(TOPIC_HEADER, utf8(source.topic()));
        headers.add(PARTITION_HEADER, utf8(Integer.toString(source.partition())));
        headers.add(OFFSET_HEADER, utf8(Long.toString(source.offset())));
        String coordinates = source.topic() + "-" + source.partition() + "@" + source.offset();
        byte[] value = fitted(source.key(), source.value(), headers, coordinates);
        DeadLetter deadLetter = new DeadLetter(new ProducerRecord<>(topic, null, source.key(), value, headers), coordinates, reason);
        attempt(deadLetter, 1);
    }

    /** The value whole if the dead letter fits the limit, else cut to fit, with a header that says how long it was. */
    private byte[] fitted(byte[] key, byte[] value, RecordHeaders headers, String coordinates) {
        int length = value == null ? 0 : value.length;
        long others = RECORD_OVERHEAD_BYTES + (key == null ? 0 : key.length);
        for (Header header : headers) {
            others += header.key().length() + header.value().length;
        }
        if (others + length <= maxRecordBytes) {
            return value;
        }
        byte[] original = utf8(Integer.toString(length));
        headers.add(TRUNCATED_HEADER, original);
        int kept = (int) Math.max(0, maxRecordBytes - others - TRUNCATED_HEADER.length() - original.length);
        log.warn("the dead letter of {} keeps {} of the {} bytes of its value, to fit the {} bytes a dead letter may have",
                coordinates, kept, length, maxRecordBytes);
        return Arrays.copyOf(value, kept);
    }

    /** A message as the header holds it: at most {@link #MAX_MESSAGE_BYTES} of UTF-8, cut between characters. */
    static byte[] cut(String message) {
        byte[] bytes = utf8(message);
        if (bytes.length <= MAX_MESSAGE_BYTES) {
            return bytes;
        }
        int end = MAX_MESSAGE_BYTES;
        // Back to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
        while ((bytes[end] & 0xc0) == 0x80) {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }

    /** A dead letter on its way, with what its log line names: the source record's coordinates and the reason. */
    private record DeadLetter(ProducerRecord<byte[], byte[]> record, String source, String reason) {
    }

    private void attempt(DeadLetter deadLetter, int attempt) {
        try {
            producer.send(deadLetter.record(), (metadata, error) -> {
                if (error == null) {
                    outcomes.deadLetterStored(deadLetter.reason());
                } else {
                    retryOrLose(deadLetter, attempt, error);
                }
            });
        } catch (RuntimeException e) {
            // The producer refused the record at once (closed, or a record it can never send): as a failed attempt.
            retryOrLose(deadLetter, attempt, e);
        }
    }

    private void retryOrLose(DeadLetter deadLetter, int attempt, Exception error) {
        if (attempt < ATTEMPTS) {
            try {
                // Not from the producer's I/O thread: a send there could wait for buffer space only that thread frees.
                retries.schedule(() -> attempt(deadLetter, attempt + 1), RETRY_BACKOFF.toMillis() * attempt, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException closing) {
                // Closing: no more attempts.
            }
        }
        log.error("the dead letter of {} ({}) was not stored in {} after {} attempts: lost: {}", deadLetter.source(),
                deadLetter.reason(), topic, attempt, KafkaErrors.explain(error), error);
        outcomes.deadLetterLost(deadLetter.reason());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Makes the retries already due, then waits at most {@link #CLOSE_TIMEOUT} for them and as long again for the
     * dead letters sent so far to be stored: a stopping aggregator must not wait for a broker that is gone. A send
     * that fails from now on is lost.
     */
    @Override
    public void close() {
        retries.shutdown();
        try {
            retries.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(CLOSE_TIMEOUT);
    }
}
