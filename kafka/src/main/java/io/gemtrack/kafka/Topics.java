package io.gemtrack.kafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topics gemtrack uses, and their creation. Names follow Kafka's dotted convention. */
public final class Topics {

    /** Host-keyed events; all events of one host land in one partition, in order. */
    public static final String EVENTS = "gemtrack.events";
    /** Records the aggregator could not apply, with the original bytes and the reason in headers. */
    public static final String DEAD_LETTERS = "gemtrack.events.dlq";

    private static final Duration WRITABLE_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration WRITABLE_RETRY_BACKOFF = Duration.ofMillis(50);

    private Topics() {
    }

    /** An events topic: retention unlimited, since the log is the source of truth that models are folded from. */
    public static NewTopic events(String name, TopicLayout layout) {
        return new NewTopic(name, layout.partitions(), layout.replicationFactor())
                .configs(layout.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")));
    }

    /** Where the aggregators of events topic {@code events} keep host checkpoints. */
    public static String checkpointsOf(String events) {
        return events + ".checkpoints";
    }

    /** Where the aggregators of events topic {@code events} keep the history of host checkpoints that time travel starts from. */
    public static String checkpointHistoryOf(String events) {
        return events + ".checkpoints.history";
    }

    /**
     * A checkpoint history topic: deleted by retention rather than compacted (every checkpoint of a host is kept, not
     * only its latest, until {@code retentionMs}; -1 keeps them all), partitioned like the events topic, and with room
     * for a large host's record. Its replicas are as the layout says; its partitions are the events topic's.
     */
    public static NewTopic checkpointHistory(String name, int partitions, TopicLayout layout, int maxRecordBytes, long retentionMs) {
        return new NewTopic(name, Optional.of(partitions), layout.replicationFactor()).configs(layout.configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes))));
    }

    /**
     * A checkpoint topic: compacted (only each host's latest checkpoint matters), partitioned like the events topic
     * so a partition's checkpoints are read by whoever owns its events, and with room for a large host's record.
     * Its replicas are as the layout says; its partitions are the events topic's, whatever the layout says.
     */
    public static NewTopic checkpoints(String name, int partitions, TopicLayout layout, int maxRecordBytes) {
        return new NewTopic(name, Optional.of(partitions), layout.replicationFactor()).configs(layout.configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes))));
    }

    /**
     * A dead-letter topic: one partition, for the few records that cannot be applied, its replicas as the layout says,
     * with room for records of {@code maxRecordBytes}: a dead letter is its source record with
     * headers added, so it is larger than the largest record the events topic takes
     * ({@link DeadLetterPublisher#recordBytesFor}).
     */
    public static NewTopic deadLetters(String name, TopicLayout layout, int maxRecordBytes) {
        return new NewTopic(name, Optional.of(1), layout.replicationFactor())
                .configs(layout.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes))));
    }

    /**
     * The largest record batch an existing topic takes: its {@code max.message.bytes}, set on the topic or else the
     * broker's default; empty when this principal may not describe the topic's configuration (DESCRIBE_CONFIGS).
     */
    public static OptionalInt maxMessageBytes(Admin admin, String topic) {
        return config(admin, topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG).map(value -> OptionalInt.of(Integer.parseInt(value)))
                .orElse(OptionalInt.empty());
    }

    /** One setting of an existing topic, empty when this principal may not describe the topic's configuration. */
    private static Optional<String> config(Admin admin, String topic, String name) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            return Optional.of(config.get(name).value());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return Optional.empty();
            }
            throw KafkaErrors.failure("cannot describe the configuration of topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /**
     * How long an existing topic keeps its records: its {@code retention.ms}, set on the topic or else the broker's
     * default (-1: for ever); empty when this principal may not describe the topic's configuration (DESCRIBE_CONFIGS).
     */
    public static OptionalLong retentionMs(Admin admin, String topic) {
        return config(admin, topic, TopicConfig.RETENTION_MS_CONFIG).map(value -> OptionalLong.of(Long.parseLong(value)))
                .orElse(OptionalLong.empty());
    }

    /** How many partitions an existing topic has. */
    public static int partitions(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (ExecutionException e) {
            throw KafkaErrors.failure("cannot describe topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /**
     * Creates the topics that do not exist yet (existing ones are left as they are) and returns once every partition
     * of every topic takes writes.
     *
     * <p>Why wait: a new partition is in the metadata a moment before its leader's log exists. An idempotent producer
     * whose first batch for the partition fails then ({@code NOT_LEADER_OR_FOLLOWER}) while its second batch lands
     * finds the first rejected forever with {@code OUT_OF_ORDER_SEQUENCE_NUMBER}, since the broker accepted the
     * second as the start of a producer it had no state for: the records wait until the delivery timeout and fail.
     * A partition whose leader answers a list-offsets request (which the admin client retries until it does) has its
     * log and takes the first batch.
     *
     * @throws HiddenTopicException if a topic this principal cannot see may not be created either
     */
    public static void ensure(Admin admin, NewTopic... topics) {
        create(admin, topics);
        awaitWritable(admin, Arrays.stream(topics).map(NewTopic::name).toList());
    }

    private static void create(Admin admin, NewTopic... topics) {
        Set<String> existing;
        try {
            existing = admin.listTopics().names().get();
        } catch (ExecutionException e) {
            throw KafkaErrors.failure("cannot list the topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
        List<NewTopic> missing = Arrays.stream(topics).filter(topic -> !existing.contains(topic.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(missing).values().entrySet()) {
            try {
                created.getValue().get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TopicAuthorizationException) {
                    // Topics this principal may not describe are not listed: it may exist and be hidden.
                    throw new HiddenTopicException(created.getKey(), cause);
                }
                if (!(cause instanceof TopicExistsException)) {
                    throw KafkaErrors.failure("cannot create topic " + created.getKey(), e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", e);
            }
        }
    }

    private static void awaitWritable(Admin admin, List<String> topics) {
        long deadline = System.nanoTime() + WRITABLE_TIMEOUT.toNanos();
        try {
            while (true) {
                try {
                    Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                    admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) ->
                            description.partitions().forEach(partition ->
                                    partitions.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest())));
                    admin.listOffsets(partitions).all().get();
                    return;
                } catch (ExecutionException e) {
                    // Right after creation the broker may not know the topic yet either: the admin client retries
                    // a partition without a leader, not a topic it was told does not exist.
                    if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                        throw KafkaErrors.failure("topics " + topics + " do not take writes", e);
                    }
                }
                Thread.sleep(WRITABLE_RETRY_BACKOFF.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topics " + topics + " to take writes", e);
        }
    }
}
