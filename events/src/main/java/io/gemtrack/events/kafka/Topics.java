package io.gemtrack.events.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topics gemtrack uses, and their creation. Names follow Kafka's dotted convention. */
public final class Topics {

    /** Host-keyed events; all events of one host land in one partition, in order. */
    public static final String EVENTS = "gemtrack.events";
    /** Records the aggregator could not apply, with the original bytes and the reason in headers. */
    public static final String DEAD_LETTERS = "gemtrack.events.dlq";

    public static final int DEFAULT_PARTITIONS = 8;

    private Topics() {
    }

    /** An events topic: retention unlimited, since the log is the source of truth that models are folded from. */
    public static NewTopic events(String name, int partitions) {
        return new NewTopic(name, partitions, (short) 1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }

    /** Where the aggregators of events topic {@code events} keep host checkpoints. */
    public static String checkpointsOf(String events) {
        return events + ".checkpoints";
    }

    /**
     * A checkpoint topic: compacted (only each host's latest checkpoint matters), partitioned like the events topic
     * so a partition's checkpoints are read by whoever owns its events, and with room for a large host's record.
     */
    public static NewTopic checkpoints(String name, int partitions, int maxRecordBytes) {
        return new NewTopic(name, partitions, (short) 1).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxRecordBytes)));
    }

    public static NewTopic deadLetters(String name) {
        return new NewTopic(name, 1, (short) 1);
    }

    /** How many partitions an existing topic has. */
    public static int partitions(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public static void ensure(Admin admin, NewTopic... topics) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics " + List.of(topics) + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
