package io.gemtrack.cli;

import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where a command publishes events: the {@code --bootstrap-server} and {@code --topic} options every publishing command shares. */
public final class PublishOptions {

    /** How long a stop waits for the broker to acknowledge the events sent; those it has not then are counted failed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);

    @Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (host:port[,host:port]). Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Topic to publish to. Default: ${DEFAULT-VALUE}.")
    String topic;

    public String topic() {
        return topic;
    }

    /** A publisher to the topic, creating it with {@code partitions} partitions if it does not exist. */
    public EventPublisher openPublisher(int partitions) {
        return new EventPublisher(Map.of("bootstrap.servers", bootstrapServers), topic, partitions);
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
