package io.gemtrack.testkit;

import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** A real Kafka cluster an integration test talks to; which one is chosen by {@link KafkaExtension}. */
public interface TestKafka {

    String bootstrapServers();

    /** What a plain Kafka client needs to reach the cluster, for a test's own producers and consumers. */
    default Map<String, Object> clientConfig() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** Human-readable description for test reports, e.g. {@code embedded KRaft broker at 127.0.0.1:40123}. */
    String description();
}
