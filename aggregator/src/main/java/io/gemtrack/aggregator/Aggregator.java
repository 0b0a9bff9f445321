package io.gemtrack.aggregator;

import io.gemtrack.aggregator.http.AggregatorHttpServer;
import io.gemtrack.aggregator.http.ApiHandler;
import io.gemtrack.aggregator.http.FleetHistory;
import io.gemtrack.aggregator.kafka.AggregatorTopics;
import io.gemtrack.aggregator.kafka.AppliedListener;
import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.aggregator.kafka.EventConsumer;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.model.FleetModel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;

/**
 * A running aggregator: consumes the events topic as a member of a consumer group, keeps the models of the
 * hosts it owns with a few minutes of their history, and serves {@code /metrics}, the JSON API and the web
 * view. {@link #close()} stops everything.
 */
public final class Aggregator implements AutoCloseable {

    /**
     * How an aggregator is set up.
     *
     * @param topicLayout how the topics that do not exist yet are created
     */
    public record Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                         String httpBindAddress, int httpPort, int topProcesses, Duration checkpointInterval,
                         TopicLayout topicLayout) {
        public static final String DEFAULT_GROUP_ID = "gemtrack-aggregator";
        public static final int DEFAULT_HTTP_PORT = 9400;
        public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

        /** With topics the aggregator creates laid out as the cluster's defaults say. */
        public Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                      String httpBindAddress, int httpPort, int topProcesses, Duration checkpointInterval) {
            this(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort, topProcesses, checkpointInterval,
                    TopicLayout.BROKER_DEFAULTS);
        }

        /** With the default number of processes per host that get metric series of their own, and checkpoint interval. */
        public Config(KafkaSettings kafka, String groupId, String topic, String deadLetterTopic,
                      String httpBindAddress, int httpPort) {
            this(kafka, groupId, topic, deadLetterTopic, httpBindAddress, httpPort,
                    AggregatorMetrics.DEFAULT_TOP_PROCESSES, DEFAULT_CHECKPOINT_INTERVAL);
        }

        public static Config defaults(KafkaSettings kafka) {
            return new Config(kafka, DEFAULT_GROUP_ID, Topics.EVENTS, Topics.DEAD_LETTERS, "0.0.0.0", DEFAULT_HTTP_PORT);
        }

        public Config withHttpPort(int port) {
            return new Config(kafka, groupId, topic, deadLetterTopic, httpBindAddress, port, topProcesses, checkpointInterval,
                    topicLayout);
        }
    }

    private final FleetModel fleet = new FleetModel();
    private final DeadLetterPublisher deadLetters;
    private final CheckpointStore checkpoints;
    private final EventConsumer consumer;
    private final Thread consumerThread;
    private final FleetHistory history;
    private final AggregatorHttpServer http;

    public Aggregator(Config config) {
        this(config, AppliedListener.NONE);
    }

    /** @param listener told of every applied record, on the thread that applies them (see {@link AppliedListener}) */
    public Aggregator(Config config, AppliedListener listener) {
        AggregatorTopics topics = new AggregatorTopics(config.topic(), config.deadLetterTopic());
        try (Admin admin = Admin.create(config.kafka().admin())) {
            topics.create(admin, config.topicLayout());
            topics.requireUsableByAggregator(admin);
        }
        checkpoints = new CheckpointStore(config.kafka(), topics.checkpoints());
        PrometheusRegistry registry = new PrometheusRegistry();
        AggregatorMetrics metrics = new AggregatorMetrics(registry, fleet, config.topProcesses());
        deadLetters = new DeadLetterPublisher(config.kafka(), config.deadLetterTopic());
        consumer = new EventConsumer(config.kafka(), config.groupId(), config.topic(), fleet, metrics, deadLetters, listener,
                checkpoints, config.checkpointInterval());
        history = FleetHistory.started(fleet);
        http = new AggregatorHttpServer(config.httpBindAddress(), config.httpPort(), registry, new ApiHandler(fleet, history));
        consumerThread = new Thread(consumer, "gemtrack-consumer");
        consumerThread.start();
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.close();
        consumerThread.join();
        http.close();
        history.close();
        deadLetters.close();
        checkpoints.close();
    }
}
