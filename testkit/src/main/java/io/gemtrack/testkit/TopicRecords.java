package io.gemtrack.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** A topic's records read back for assertions: dead letters, checkpoints. */
public final class TopicRecords {

    private TopicRecords() {
    }

    /**
     * Every record in {@code topic} now, partition by partition.
     *
     * @param clientConfig what a client needs to reach the cluster, e.g. {@link TestKafka#clientConfig()}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> clientConfig, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(clientConfig)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** How many records {@code topic} holds now, from its partitions' offsets. */
    public static long count(Map<String, Object> clientConfig, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(clientConfig)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long start = consumer.beginningOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            return end - start;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientConfig) {
        return new KafkaConsumer<>(clientConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(partition -> new TopicPartition(topic, partition.partition())).toList();
    }

    /** The last value of header {@code name} as text; {@code null} if the record has none. */
    public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
