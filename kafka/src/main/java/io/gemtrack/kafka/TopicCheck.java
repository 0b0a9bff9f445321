package io.gemtrack.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether existing topics can serve gemtrack as they are, which it never changes: what each topic's role needs of its
 * partitions and settings, and whether the principal gemtrack runs as may do with it what the command needs. Every
 * problem is named with the topic, so an operator knows what to change or which ACL to grant.
 */
public final class TopicCheck {

    private static final Logger log = LoggerFactory.getLogger(TopicCheck.class);

    /** What a topic is to gemtrack, and what that role asks of it. */
    public enum Role {
        /** Compaction would keep only each host's last event: the log the models are folded from would be gone. */
        EVENTS("events") {
            @Override
            void check(Inspected topic, int eventsPartitions, List<String> problems) {
                if (topic.cleanupPolicies().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    problems.add(topic.name() + " is compacted (cleanup.policy=" + topic.config(TopicConfig.CLEANUP_POLICY_CONFIG)
                            + "): compaction keeps only each host's last event; an events topic needs cleanup.policy=delete");
                }
            }
        },
        /**
         * Checkpoint partition p holds the hosts of events partition p, so there must be at least as many; and only
         * compaction alone keeps every host's latest checkpoint however old it is.
         */
        CHECKPOINTS("checkpoints") {
            @Override
            void check(Inspected topic, int eventsPartitions, List<String> problems) {
                requirePartitionedLikeEvents(topic, eventsPartitions, problems, "checkpoint partition p holds the hosts");
                if (topic.configReadable() && !topic.cleanupPolicies().equals(Set.of(TopicConfig.CLEANUP_POLICY_COMPACT))) {
                    problems.add(topic.name() + " is not compacted alone (cleanup.policy=" + topic.config(TopicConfig.CLEANUP_POLICY_CONFIG)
                            + "): deletion by retention would drop the checkpoints of hosts that did not change; a"
                            + " checkpoints topic needs cleanup.policy=compact");
                }
            }
        },
        /**
         * Partitioned like the checkpoints; compaction would keep only each host's latest checkpoint, which is no
         * history.
         */
        CHECKPOINT_HISTORY("checkpoint history") {
            @Override
            void check(Inspected topic, int eventsPartitions, List<String> problems) {
                requirePartitionedLikeEvents(topic, eventsPartitions, problems, "history partition p holds the checkpoints");
                if (topic.cleanupPolicies().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    problems.add(topic.name() + " is compacted (cleanup.policy=" + topic.config(TopicConfig.CLEANUP_POLICY_CONFIG)
                            + "): compaction keeps only each host's latest checkpoint; a checkpoint history topic needs"
                            + " cleanup.policy=delete");
                }
            }
        },
        DEAD_LETTERS("dead letters") {
            @Override
            void check(Inspected topic, int eventsPartitions, List<String> problems) {
                // Any layout holds dead letters.
            }
        };

        private final String description;

        Role(String description) {
            this.description = description;
        }

        abstract void check(Inspected topic, int eventsPartitions, List<String> problems);

        /** A topic whose partition p holds {@code what} of events partition p needs at least as many partitions. */
        private static void requirePartitionedLikeEvents(Inspected topic, int eventsPartitions, List<String> problems, String what) {
            if (topic.partitions() < eventsPartitions) {
                problems.add(topic.name() + " has " + topic.partitions() + " partitions, fewer than the events topic's "
                        + eventsPartitions + ": " + what + " of events partition p");
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * A topic gemtrack needs, in its role, and what the command does with it.
     *
     * @param operations the ACL operations the command needs on it, e.g. {@code READ} to consume
     */
    public record Need(String topic, Role role, Set<AclOperation> operations) {
        public Need {
            operations = Set.copyOf(operations);
        }
    }

    /**
     * An existing topic as the brokers describe it to this principal.
     *
     * @param configs its settings; empty when this principal may not DESCRIBE_CONFIGS it
     * @param allowed what this principal may do with it
     */
    public record Inspected(String name, int partitions, int replicationFactor, Map<String, String> configs,
                            Set<AclOperation> allowed) {

        boolean configReadable() {
            return !configs.isEmpty();
        }

        String config(String key) {
            return configs.getOrDefault(key, "");
        }

        Set<String> cleanupPolicies() {
            return Arrays.stream(config(TopicConfig.CLEANUP_POLICY_CONFIG).split(","))
                    .map(String::trim).filter(policy -> !policy.isEmpty()).collect(Collectors.toSet());
        }

        /** The replicas a write with {@code acks=all} needs in sync, when the settings could be read. */
        String minInsyncReplicas() {
            return config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        }
    }

    private TopicCheck() {
    }

    /**
     * Fails unless every topic of {@code needs} exists, suits its role and allows the command its operations; the
     * error lists every problem found. The events topic's partitions are the measure of the checkpoints topic's.
     */
    public static void require(Admin admin, String eventsTopic, List<Need> needs) {
        Map<String, Inspected> inspected = inspect(admin, needs.stream().map(Need::topic).toList());
        List<String> problems = problems(inspected, eventsTopic, needs);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the topics cannot serve gemtrack as they are (gemtrack never changes an"
                    + " existing topic):\n  - " + String.join("\n  - ", problems));
        }
    }

    /**
     * What to tell of a topic this principal could neither see nor create, from what the command needs of it: the
     * ACLs to grant if it exists, and if it does not.
     */
    public static IllegalStateException explain(HiddenTopicException hidden, List<Need> needs) {
        return needs.stream().filter(need -> need.topic().equals(hidden.topic())).findFirst()
                .<IllegalStateException>map(need -> new IllegalStateException("cannot use topic " + need.topic() + " ("
                        + need.role() + "): not authorized: no ACL allows this principal " + operations(need.operations())
                        + " on topic " + need.topic() + " (" + need.role() + "), or, if it does not exist, CREATE on it or on"
                        + " the cluster; Kafka shows a principal neither a topic it may not use nor whether it exists."
                        + " Create it with `gemtrack topics --create` as a principal that may, or grant the ACLs the"
                        + " README lists", hidden))
                .orElse(hidden);
    }

    private static String operations(Set<AclOperation> operations) {
        return operations.isEmpty() ? "DESCRIBE"
                : operations.stream().map(Enum::name).sorted().collect(Collectors.joining(", "));
    }

    /** Every problem of {@code needs}, as {@link #require} reports them. */
    public static List<String> problems(Map<String, Inspected> inspected, String eventsTopic, List<Need> needs) {
        List<String> problems = new ArrayList<>();
        Inspected events = inspected.get(eventsTopic);
        int eventsPartitions = events == null ? 0 : events.partitions();
        for (Need need : needs) {
            Inspected topic = inspected.get(need.topic());
            if (topic == null) {
                problems.add(need.topic() + " (" + need.role() + ") does not exist");
                continue;
            }
            need.role().check(topic, eventsPartitions, problems);
            replicationProblem(topic).ifPresent(problems::add);
            Set<AclOperation> missing = EnumSet.noneOf(AclOperation.class);
            missing.addAll(need.operations());
            missing.removeAll(topic.allowed());
            if (!missing.isEmpty()) {
                problems.add("not authorized: no ACL allows this principal " + operations(missing) + " on topic "
                        + topic.name() + " (" + need.role() + ")");
            }
        }
        return problems;
    }

    /** More replicas in sync than the topic has would refuse every {@code acks=all} write. */
    private static Optional<String> replicationProblem(Inspected topic) {
        String minInsync = topic.minInsyncReplicas();
        if (!minInsync.isEmpty() && Integer.parseInt(minInsync) > topic.replicationFactor()) {
            return Optional.of(topic.name() + " has min.insync.replicas=" + minInsync + " but only "
                    + topic.replicationFactor() + " replica(s): every write with acks=all would be refused");
        }
        return Optional.empty();
    }

    /**
     * The existing ones of {@code topics} as this principal sees them, in the order given; topics it may not describe
     * are missing from the answer as if they did not exist (Kafka does not tell them apart).
     */
    public static Map<String, Inspected> inspect(Admin admin, Collection<String> topics) {
        Map<String, Inspected> inspected = new LinkedHashMap<>();
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<String> present = topics.stream().filter(existing::contains).distinct().toList();
            if (present.isEmpty()) {
                return inspected;
            }
            Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(present,
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
            Map<String, Map<String, String>> configs = configs(admin, present);
            for (String name : present) {
                TopicDescription description = descriptions.get(name).get();
                // A broker too old to say allows whatever it allows; what fails will say so then.
                Set<AclOperation> allowed = description.authorizedOperations() == null
                        ? EnumSet.complementOf(EnumSet.of(AclOperation.UNKNOWN, AclOperation.ANY, AclOperation.ALL))
                        : description.authorizedOperations();
                inspected.put(name, new Inspected(name, description.partitions().size(),
                        description.partitions().get(0).replicas().size(), configs.getOrDefault(name, Map.of()), allowed));
            }
            return inspected;
        } catch (ExecutionException e) {
            throw KafkaErrors.failure("cannot describe topics " + topics, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics " + topics, e);
        }
    }

    /** The settings of each topic this principal may DESCRIBE_CONFIGS; the others are left out, with a warning. */
    private static Map<String, Map<String, String>> configs(Admin admin, List<String> topics) throws InterruptedException {
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        Map<ConfigResource, KafkaFuture<Config>> described = admin.describeConfigs(topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).values();
        for (Map.Entry<ConfigResource, KafkaFuture<Config>> topic : described.entrySet()) {
            try {
                configs.put(topic.getKey().name(), topic.getValue().get().entries().stream()
                        .filter(entry -> entry.value() != null)
                        .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value)));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicAuthorizationException)) {
                    throw KafkaErrors.failure("cannot read the settings of topic " + topic.getKey().name(), e);
                }
                log.warn("cannot check the settings of topic {}: no ACL allows this principal DESCRIBE_CONFIGS on it",
                        topic.getKey().name());
            }
        }
        return configs;
    }
}
