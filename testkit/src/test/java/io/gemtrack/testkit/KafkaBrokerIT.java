package io.gemtrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.broker.KafkaBroker;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The embedded broker is a real one: it stores, survives restarts and crashes, and leaves nothing behind. */
class KafkaBrokerIT {

    @Test
    void acknowledgedRecordsSurviveACrashAndRestart() throws Exception {
        KafkaBroker broker = KafkaBroker.startTemporary();
        try (broker) {
            send(broker, "broker-it", List.of("a", "b", "c"));
            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            broker.start();
            send(broker, "broker-it", List.of("d"));
            assertThat(readAll(broker, "broker-it", 4)).containsExactly("a", "b", "c", "d");
        }
        assertThat(broker.isRunning()).isFalse();
        assertThat(Files.exists(broker.directory())).as("temporary data directory removed").isFalse();
    }

    private static void send(KafkaBroker broker, String topic, List<String> values) throws Exception {
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, "key", value)).get();
            }
        }
    }

    private static List<String> readAll(KafkaBroker broker, String topic, int expected) {
        List<String> values = new ArrayList<>();
        Map<String, Object> config = new HashMap<>(broker.clientConfig());
        config.put("group.id", "broker-it");
        config.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
