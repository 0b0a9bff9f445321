package io.gemtrack.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How gemtrack creates a topic that does not exist yet: what is left empty is the broker's to decide
 * ({@code num.partitions}, {@code default.replication.factor}, {@code min.insync.replicas}). An existing topic is
 * never changed.
 *
 * @param checkpointHistoryRetention how long a checkpoint history topic keeps its records; empty: as long as the events
 *                                   topic keeps its own
 */
public record TopicLayout(Optional<Integer> partitions, Optional<Short> replicationFactor, Optional<Integer> minInsyncReplicas,
                          Optional<Duration> checkpointHistoryRetention) {

    /** Everything as the cluster's defaults say. */
    public static final TopicLayout BROKER_DEFAULTS = new TopicLayout(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());

    public TopicLayout {
        partitions.ifPresent(count -> requirePositive("partitions", count));
        replicationFactor.ifPresent(factor -> requirePositive("replication factor", factor));
        minInsyncReplicas.ifPresent(replicas -> requirePositive("min.insync.replicas", replicas));
        checkpointHistoryRetention.ifPresent(retention -> {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("a checkpoint history's retention must be positive, was " + retention);
            }
        });
    }

    /** {@code partitions} partitions, the rest as the cluster's defaults say. */
    public static TopicLayout partitions(int partitions) {
        return BROKER_DEFAULTS.withPartitions(partitions);
    }

    public TopicLayout withPartitions(int count) {
        return new TopicLayout(Optional.of(count), replicationFactor, minInsyncReplicas, checkpointHistoryRetention);
    }

    public TopicLayout withReplicationFactor(int factor) {
        if (factor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("a replication factor must be at most " + Short.MAX_VALUE + ", was " + factor);
        }
        return new TopicLayout(partitions, Optional.of((short) factor), minInsyncReplicas, checkpointHistoryRetention);
    }

    public TopicLayout withMinInsyncReplicas(int replicas) {
        return new TopicLayout(partitions, replicationFactor, Optional.of(replicas), checkpointHistoryRetention);
    }

    public TopicLayout withCheckpointHistoryRetention(Duration retention) {
        return new TopicLayout(partitions, replicationFactor, minInsyncReplicas, Optional.of(retention));
    }

    /** The topic settings this layout adds to a topic's own. */
    Map<String, String> configs(Map<String, String> topicConfigs) {
        Map<String, String> configs = new HashMap<>(topicConfigs);
        minInsyncReplicas.ifPresent(replicas -> configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(replicas)));
        return configs;
    }

    private static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("a topic's " + what + " must be at least 1, was " + value);
        }
    }
}
