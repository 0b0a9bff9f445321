package io.gemtrack.cli;

import io.gemtrack.kafka.TopicLayout;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How a command creates the topics that do not exist yet; existing topics are never changed. */
public final class TopicOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Partitions of the events topic when it has to be created (the checkpoints topics get as many)."
                    + " Default: the broker's num.partitions.")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replicas of each topic that has to be created. Default: the broker's default.replication.factor.")
    Integer replicationFactor;

    @Option(names = "--min-insync-replicas", paramLabel = "N",
            description = "min.insync.replicas of each topic that has to be created. Default: the cluster's.")
    Integer minInsyncReplicas;

    @Option(names = "--checkpoint-history-retention", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "retention.ms of the checkpoint history topic when it has to be created: a number with ms, s, m or h."
                    + " Default: the events topic's retention.ms.")
    Duration checkpointHistoryRetention;

    /** The layout the options give; a value out of range is named as the option's. */
    public TopicLayout layout() {
        TopicLayout layout = TopicLayout.BROKER_DEFAULTS;
        try {
            if (partitions != null) {
                layout = layout.withPartitions(requirePositive("--partitions", partitions));
            }
            if (replicationFactor != null) {
                layout = layout.withReplicationFactor(requirePositive("--replication-factor", replicationFactor));
            }
            if (minInsyncReplicas != null) {
                layout = layout.withMinInsyncReplicas(requirePositive("--min-insync-replicas", minInsyncReplicas));
            }
            if (checkpointHistoryRetention != null) {
                layout = layout.withCheckpointHistoryRetention(checkpointHistoryRetention);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e, null, null);
        }
        return layout;
    }

    private int requirePositive(String option, int value) {
        if (value < 1) {
            throw new ParameterException(command.commandLine(),
                    "Invalid value for option '" + option + "': must be at least 1, was " + value);
        }
        return value;
    }
}
