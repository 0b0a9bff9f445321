package io.gemtrack.reliability;

import io.gemtrack.kafka.KafkaSettings;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** How many records a topic holds, from its partitions' offsets. */
final class TopicRecords {

    private TopicRecords() {
    }

    static long count(KafkaSettings kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumer(Map.of()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(partition -> new TopicPartition(topic, partition.partition())).toList();
            long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long start = consumer.beginningOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            return end - start;
        }
    }
}
