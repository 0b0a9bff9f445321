package io.gemtrack.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public DeadLetterPublisher(KafkaSettings settings, String topic) {
        Map<String, Object> config = settings.producer(Map.of());
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
        producer.send(new ProducerRecord<>(topic, null, source.key(), source.value(), headers), (metadata, error) -> {
            if (error != null) {
                log.error("the dead letter of {}-{}@{} was not written to {}: {}", source.topic(), source.partition(),
                        source.offset(), topic, KafkaErrors.explain(error));
            }
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
    }
}
