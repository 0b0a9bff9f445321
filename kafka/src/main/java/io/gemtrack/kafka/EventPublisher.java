package io.gemtrack.kafka;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.kafka.TopicCheck.Need;
import io.gemtrack.kafka.TopicCheck.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends events to Kafka keyed by host, so each host's events stay in order in one partition. The producer
 * is idempotent with {@code acks=all}: retries after a broker hiccup neither lose nor duplicate events.
 */
public final class EventPublisher implements AutoCloseable {

    /**
     * The events producer's settings over every gemtrack producer's (idempotent with {@code acks=all}, see
     * {@link KafkaSettings.Client#PRODUCER}): batched and compressed, since a host's events are small, frequent and alike.
     */
    public static final Map<String, Object> DEFAULTS = Map.of(
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
            // While the broker is away, send() waits for its metadata: as long as a record may wait for delivery,
            // not Kafka's 60 s, so an outage of a few minutes holds the producer back instead of losing events.
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final EventCodec codec = new EventCodec();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> lastError = new AtomicReference<>();
    private final ConnectionWatch connections;

    /**
     * A publisher to {@code topic}, created with {@code layout} if it does not exist; {@link #DEFAULTS} apply
     * where the settings say nothing.
     *
     * @throws IllegalStateException if the topic cannot serve as an events topic, or this principal may not write to it
     */
    public EventPublisher(KafkaSettings settings, String topic, TopicLayout layout) {
        List<Need> needs = List.of(new Need(topic, Role.EVENTS, Set.of(AclOperation.WRITE)));
        try (Admin admin = Admin.create(settings.admin())) {
            Topics.ensure(admin, Topics.events(topic, layout));
            TopicCheck.require(admin, topic, needs);
        } catch (HiddenTopicException e) {
            throw TopicCheck.explain(e, needs);
        }
        Map<String, Object> config = settings.producer(DEFAULTS);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
        this.connections = new ConnectionWatch(producer::metrics);
        this.topic = topic;
    }

    public void publish(Event event) {
        producer.send(new ProducerRecord<>(topic, event.host(), codec.encode(event)), (metadata, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                failed.incrementAndGet();
                lastError.set(error);
            }
        });
    }

    /** Blocks until every event sent so far is acknowledged or has failed. */
    public void flush() {
        producer.flush();
    }

    /**
     * Flushes and fails unless every event sent so far was acknowledged: for callers, such as tests, for which
     * one lost event makes everything after it meaningless.
     */
    public void flushExpectingNoFailure() {
        flush();
        if (failed() > 0) {
            throw new IllegalStateException(failed() + " events were not acknowledged by the broker; last error: "
                    + lastError(), lastError());
        }
    }

    /**
     * Whether the connection to the brokers was lost and has come back since this last answered yes. Nothing sent
     * was lost on the producer's side (it retried), but what the brokers had stored may have been, if one failed.
     */
    public boolean reconnected() {
        return connections.reconnected();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    public long failed() {
        return failed.get();
    }

    /** The most recent send failure, or {@code null}. */
    public Exception lastError() {
        return lastError.get();
    }

    /** Waits until every event sent so far is acknowledged or has failed, and closes the producer. */
    @Override
    public void close() {
        producer.close();
    }

    /**
     * Closes the producer, waiting at most {@code timeout} for the events sent so far: those still unacknowledged
     * then fail (and are counted in {@link #failed()}). For a stop that must not wait for a broker that is gone.
     */
    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
