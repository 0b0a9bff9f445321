package io.gemtrack.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records the aggregator cannot apply to the dead-letter topic: the original key and bytes unchanged,
 * and in headers the reason and the source coordinates, in the manner of Kafka Connect's error headers.
 */
public final class DeadLetterPublisher implements AutoCloseable {

    public static final String REASON_HEADER = "gemtrack.errors.reason";
    public static final String MESSAGE_HEADER = "gemtrack.errors.message";
    public static final String TOPIC_HEADER = "gemtrack.errors.topic";
    public static final String PARTITION_HEADER = "gemtrack.errors.partition";
    public static final String OFFSET_HEADER = "gemtrack.errors.offset";
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public DeadLetterPublisher(Map<String, Object> kafkaConfig, String topic) {
        Map<String, Object> config = new HashMap<>(kafkaConfig);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
        this.topic = topic;
    }

    public void send(ConsumerRecord<byte[], byte[]> source, String reason, String message) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, utf8(reason));
        headers.add(MESSAGE_HEADER, utf8(message));
        headers.add(TOPIC_HEADER, utf8(source.topic()));
        headers.add(PARTITION_HEADER, utf8(Integer.toString(source.partition())));
        headers.add(OFFSET_HEADER, utf8(Long.toString(source.offset())));
        producer.send(new ProducerRecord<>(topic, null, source.key(), source.value(), headers));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Waits at most {@link #CLOSE_TIMEOUT} for the dead letters sent so far to be stored: a stopping aggregator must
     * not wait for a broker that is gone.
     */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
