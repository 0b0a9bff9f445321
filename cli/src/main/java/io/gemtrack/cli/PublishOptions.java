package io.gemtrack.cli;

import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.Topics;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a command publishes events: the topic, how it is created, and the Kafka options; every publishing command shares them. */
public final class PublishOptions {

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Topic to publish to. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Mixin
    TopicOptions layout;

    @Mixin
    KafkaOptions kafka;

    public String topic() {
        return topic;
    }

    /** A publisher to the topic, creating it as the topic options say if it does not exist. */
    public EventPublisher openPublisher() {
        return new EventPublisher(kafka.settings(), topic, layout.layout());
    }
}
