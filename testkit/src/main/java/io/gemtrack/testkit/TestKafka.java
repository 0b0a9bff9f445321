package io.gemtrack.testkit;

/** A real Kafka cluster an integration test talks to; which one is chosen by {@link KafkaExtension}. */
public interface TestKafka {

    String bootstrapServers();

    /** Human-readable description for test reports, e.g. {@code embedded KRaft broker at 127.0.0.1:40123}. */
    String description();
}
