package io.gemtrack.aggregator;

import io.gemtrack.aggregator.http.AggregatorHttpServer;
import io.gemtrack.aggregator.http.ApiHandler;
import io.gemtrack.aggregator.http.AsOfAnswers;
import io.gemtrack.aggregator.http.FleetHistory;
import io.gemtrack.aggregator.http.HealthHandler;
import io.gemtrack.aggregator.kafka.AggregatorTopics;
import io.gemtrack.aggregator.kafka.AppliedListener;
import io.gemtrack.aggregator.kafka.CheckpointHistory;
import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.aggregator.kafka.EventConsumer;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.aggregator.kafka.ProcessExits;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running aggregator: consumes the events topic as a member of a consumer group, keeps the models of the
 * hosts it owns with a few minutes of their history, and serves {@code /metrics}, the JSON API, {@code /health}
 * and the web view. {@link #close()} stops everything.
 *
 * <p>If its consumer stops on an error (its thread or the applier's), it applies nothing more: {@code /health}
 * answers 503, {@code gemtrack_consumer_up} is 0, and {@link #failure()} and {@link #whenFailed()} tell whoever runs
 * it, which should close it and exit so that a supervisor starts it again from its checkpoints.
 */
public final class Aggregator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Aggregator.class);

    /**
     * How an aggregator is set up.
     *
     * @param hostExpiry  how long a host may be silent before it is shown stale, and before it is dropped
     * @param topicLayout how the topics that do not exist yet are created
     * @param checkpointHistoryInterval how often the checkpoints also go to the checkpoint history that time travel folds
     *                                  from; {@link Duration#ZERO}: never
     */
    public record Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                         String httpBindAddress, int httpPort, int topProcesses, Duration checkpointInterval,
                         HostActivity.Expiry hostExpiry, TopicLayout topicLayout, Duration checkpointHistoryInterval) {
        public static final String DEFAULT_GROUP_ID = "gemtrack-aggregator";
        public static final int DEFAULT_HTTP_PORT = 9400;
        public static final String DEFAULT_HTTP_BIND_ADDRESS = "0.0.0.0";
        public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

        /** With the default checkpoint history interval. */
        public Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                      String httpBindAddress, int httpPort, int topProcesses, Duration checkpointInterval,
                      HostActivity.Expiry hostExpiry, TopicLayout topicLayout) {
            this(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort, topProcesses, checkpointInterval,
                    hostExpiry, topicLayout, CheckpointHistory.DEFAULT_INTERVAL);
        }

        /** With topics laid out as the cluster's defaults say. */
        public Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                      String httpBindAddress, int httpPort, int topProcesses, Duration checkpointInterval,
                      HostActivity.Expiry hostExpiry) {
            this(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort, topProcesses, checkpointInterval,
                    hostExpiry, TopicLayout.BROKER_DEFAULTS);
        }

        /** With the default host expiry. */
        public Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                      String httpBindAddress, int httpPort, int topProcesses, Duration checkpointInterval) {
            this(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort, topProcesses, checkpointInterval,
                    HostActivity.Expiry.DEFAULT);
        }

        /** With the default number of processes per host that get metric series of their own, checkpoint interval and host expiry. */
        public Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                      String httpBindAddress, int httpPort) {
            this(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort,
                    AggregatorMetrics.DEFAULT_TOP_PROCESSES, DEFAULT_CHECKPOINT_INTERVAL);
        }

        public static Config defaults(KafkaSettings kafka) {
            return new Config(kafka, DEFAULT_GROUP_ID, Topics.EVENTS, Topics.DEAD_LETTERS, DEFAULT_HTTP_BIND_ADDRESS, DEFAULT_HTTP_PORT);
        }

        public Config withHttpPort(int port) {
            return new Config(kafka, groupId, topic, deadLetterTopic, httpBindAddress, port, topProcesses, checkpointInterval,
                    hostExpiry, topicLayout, checkpointHistoryInterval);
        }

        public Config withHostExpiry(HostActivity.Expiry expiry) {
            return new Config(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort, topProcesses, checkpointInterval,
                    expiry, topicLayout, checkpointHistoryInterval);
        }

        public Config withCheckpointHistoryInterval(Duration interval) {
            return new Config(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort, topProcesses, checkpointInterval,
                    hostExpiry, topicLayout, interval);
        }

        public Config withTopicLayout(TopicLayout layout) {
            return new Config(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort, topProcesses, checkpointInterval,
                    hostExpiry, layout, checkpointHistoryInterval);
        }
    }

    /** How long {@link #close()} waits for the final checkpoint before giving it up. */
    private static final Duration FINAL_CHECKPOINT_TIMEOUT = Duration.ofSeconds(4);
    /** How long {@link #close()} then waits for the consumer to leave the group before it leaves the consumer behind. */
    private static final Duration CONSUMER_LEAVE_TIMEOUT = Duration.ofSeconds(2);

    private final SharedFleet fleet = new SharedFleet();
    private final DeadLetterPublisher deadLetters;
    private final CheckpointStore checkpoints;
    private final CheckpointHistory checkpointHistory;
    private final EventConsumer consumer;
    private final Thread consumerThread;
    private final FleetHistory history;
    private final AggregatorHttpServer http;
    private final AsOfAnswers asOf;

    public Aggregator(Config config) {
        this(config, AppliedListener.NONE);
    }

    /** @param listener told of every applied record, on the thread that applies them (see {@link AppliedListener}) */
    public Aggregator(Config config, AppliedListener listener) {
        AggregatorTopics topics = new AggregatorTopics(config.topic(), config.deadLetterTopic());
        int deadLetterBytes;
        try (Admin admin = Admin.create(config.kafka().admin())) {
            deadLetterBytes = topics.prepareForAggregator(admin, config.topicLayout());
        }
        checkpoints = new CheckpointStore(config.kafka(), topics.checkpoints());
        checkpointHistory = CheckpointHistory.every(config.checkpointHistoryInterval(), config.kafka(), topics.checkpointHistory());
        PrometheusRegistry registry = new PrometheusRegistry();
        HostActivity activity = new HostActivity(config.hostExpiry());
        AggregatorMetrics metrics = new AggregatorMetrics(registry, fleet, activity, config.topProcesses());
        deadLetters = new DeadLetterPublisher(config.kafka(), config.deadLetterTopic(), deadLetterBytes, metrics);
        ProcessExits exits = new ProcessExits();
        consumer = new EventConsumer(config.kafka(), config.groupId(), config.topic(), fleet, metrics, deadLetters, listener,
                checkpoints, config.checkpointInterval(), activity, exits, checkpointHistory);
        history = FleetHistory.started(fleet);
        asOf = new AsOfAnswers(() -> new HostReplay(config.kafka(), config.topic(),
                List.of(topics.checkpointHistory(), topics.checkpoints())));
        http = new AggregatorHttpServer(config.httpBindAddress(), config.httpPort(), registry,
                new ApiHandler(fleet, history, activity, exits, asOf), new HealthHandler(consumer.status()));
        consumerThread = new Thread(consumer, "gemtrack-consumer");
        consumerThread.start();
    }

    public int httpPort() {
        return http.port();
    }

    /** The error the consumer stopped on; empty while it consumes, and after a close. */
    public Optional<Throwable> failure() {
        return consumer.status().failure();
    }

    /** Completes with the error the consumer stops on, if it ever does (not on a close): to wait for, or act on. */
    public CompletionStage<Throwable> whenFailed() {
        return consumer.status().whenFailed();
    }

    /**
     * Stops consuming, writes the final checkpoint and leaves the group, then stops serving. Bounded whatever the
     * broker does: a final checkpoint not stored within {@link #FINAL_CHECKPOINT_TIMEOUT} is given up (the log says
     * so), as if the aggregator had crashed, and the consumer gets {@link #CONSUMER_LEAVE_TIMEOUT} more to go.
     */
    @Override
    public void close() throws InterruptedException {
        close(FINAL_CHECKPOINT_TIMEOUT);
    }

    /**
     * {@link #close()}, giving the final checkpoint {@code finalCheckpointTimeout}: for a caller with more time than
     * a stop signal leaves, and hosts whose checkpoint takes longer to write (a million objects).
     */
    public void close(Duration finalCheckpointTimeout) throws InterruptedException {
        consumer.close();
        consumerThread.join(finalCheckpointTimeout.toMillis());
        if (consumerThread.isAlive()) {
            checkpoints.abandonWrites();
            checkpointHistory.abandonWrites();
            consumerThread.join(CONSUMER_LEAVE_TIMEOUT.toMillis());
        }
        http.close();
        asOf.close();
        history.close();
        deadLetters.close();
        checkpoints.close();
        checkpointHistory.close();
    }
}
