package io.gemtrack.cli;

import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.Topics;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a command publishes events: the topic, how it is created, and the Kafka options; every publishing command shares them. */
public final class PublishOptions {

    /** How long a stop waits for the broker to acknowledge the events sent; those it has not then are counted failed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Topic to publish to. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Mixin
    TopicOptions layout;

    @Mixin
    KafkaOptions kafka;

    public String topic() {
        return topic;
    }

    /**
     * A publisher to the topic, creating it as the topic options say if it does not exist, once the cluster has
     * answered (see {@link KafkaReachability}).
     */
    public EventPublisher openPublisher() {
        kafka.requireReachable();
        return new EventPublisher(kafka.settings(), topic, layout.layout());
    }

    /**
     * Closes {@code publisher} when the command is done: after every event sent is acknowledged or has failed, or, if
     * {@code stop} was made, after at most {@link #STOP_TIMEOUT}, since the broker may be gone.
     */
    static void close(EventPublisher publisher, StopRequest stop) {
        if (stop.isMade()) {
            publisher.close(STOP_TIMEOUT);
        } else {
            publisher.close();
        }
    }
}
