package io.gemtrack.cli;

import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import picocli.CommandLine.Option;

/** Where a command publishes events: the {@code --bootstrap-server} and {@code --topic} options every publishing command shares. */
public final class PublishOptions {

    @Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (host:port[,host:port]). Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Topic to publish to. Default: ${DEFAULT-VALUE}.")
    String topic;

    public String topic() {
        return topic;
    }

    /** A publisher to the topic, creating it with {@code layout} if it does not exist. */
    public EventPublisher openPublisher(TopicLayout layout) {
        return new EventPublisher(KafkaSettings.bootstrap(bootstrapServers), topic, layout);
    }
}
