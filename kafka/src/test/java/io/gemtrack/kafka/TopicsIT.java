package io.gemtrack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gemtrack.kafka.TopicCheck.Inspected;
import io.gemtrack.kafka.TopicCheck.Need;
import io.gemtrack.kafka.TopicCheck.Role;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Topics against a real broker: created as the operator's layout says and otherwise as the broker's defaults say,
 * existing ones never changed, and the ones that cannot serve their role named with the reason.
 */
@ExtendWith(KafkaExtension.class)
class TopicsIT {

    /** The test broker's {@code num.partitions} and {@code default.replication.factor}. */
    private static final int BROKER_PARTITIONS = 4;
    private static final int BROKER_REPLICATION_FACTOR = 1;

    @Test
    void whatTheLayoutLeavesOpenIsTheBrokersToDecide(TestKafka kafka) {
        try (Admin admin = admin(kafka)) {
            Topics.ensure(admin, Topics.events("topics-it.defaults", TopicLayout.BROKER_DEFAULTS),
                    Topics.events("topics-it.laid-out", TopicLayout.partitions(3).withReplicationFactor(1).withMinInsyncReplicas(1)));

            Map<String, Inspected> topics = TopicCheck.inspect(admin, List.of("topics-it.defaults", "topics-it.laid-out"));

            Inspected defaults = topics.get("topics-it.defaults");
            assertThat(defaults.partitions()).isEqualTo(BROKER_PARTITIONS);
            assertThat(defaults.replicationFactor()).isEqualTo(BROKER_REPLICATION_FACTOR);
            assertThat(defaults.configs()).containsEntry("retention.ms", "-1").containsEntry("min.insync.replicas", "1");
            Inspected laidOut = topics.get("topics-it.laid-out");
            assertThat(laidOut.partitions()).isEqualTo(3);
            assertThat(laidOut.configs()).containsEntry("min.insync.replicas", "1");
        }
    }

    @Test
    void anExistingTopicIsLeftAsItIs(TestKafka kafka) {
        try (Admin admin = admin(kafka)) {
            Topics.ensure(admin, new NewTopic("topics-it.existing", Optional.of(2), Optional.empty())
                    .configs(Map.of("retention.ms", "3600000")));

            Topics.ensure(admin, Topics.events("topics-it.existing", TopicLayout.partitions(6)));

            Inspected existing = TopicCheck.inspect(admin, List.of("topics-it.existing")).get("topics-it.existing");
            assertThat(existing.partitions()).isEqualTo(2);
            assertThat(existing.configs()).containsEntry("retention.ms", "3600000");
        }
    }

    @Test
    void aCheckpointsTopicWithFewerPartitionsThanTheEventsOrNotCompactedIsNamedWithTheReason(TestKafka kafka) {
        try (Admin admin = admin(kafka)) {
            Topics.ensure(admin, Topics.events("topics-it.few", TopicLayout.partitions(4)),
                    new NewTopic("topics-it.few.checkpoints", Optional.of(2), Optional.empty()));

            assertThatThrownBy(() -> TopicCheck.require(admin, "topics-it.few", List.of(
                    new Need("topics-it.few", Role.EVENTS, Set.of(AclOperation.READ)),
                    new Need("topics-it.few.checkpoints", Role.CHECKPOINTS, Set.of(AclOperation.READ, AclOperation.WRITE)))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("gemtrack never changes an existing topic")
                    .hasMessageContaining("topics-it.few.checkpoints has 2 partitions, fewer than the events topic's 4")
                    .hasMessageContaining("topics-it.few.checkpoints is not compacted alone (cleanup.policy=delete)");
        }
    }

    @Test
    void aCompactedEventsTopicAndMoreInSyncReplicasThanReplicasAreNamedWithTheReason(TestKafka kafka) {
        try (Admin admin = admin(kafka)) {
            Topics.ensure(admin, new NewTopic("topics-it.compacted", Optional.of(1), Optional.empty()).configs(Map.of(
                    "cleanup.policy", "compact", "min.insync.replicas", "2")));

            assertThatThrownBy(() -> TopicCheck.require(admin, "topics-it.compacted",
                    List.of(new Need("topics-it.compacted", Role.EVENTS, Set.of(AclOperation.WRITE)))))
                    .hasMessageContaining("topics-it.compacted is compacted (cleanup.policy=compact)")
                    .hasMessageContaining("topics-it.compacted has min.insync.replicas=2 but only 1 replica(s)");
        }
    }

    @Test
    void aMissingTopicIsNamedWithItsRole(TestKafka kafka) {
        try (Admin admin = admin(kafka)) {
            assertThatThrownBy(() -> TopicCheck.require(admin, "topics-it.absent",
                    List.of(new Need("topics-it.absent.dlq", Role.DEAD_LETTERS, Set.of(AclOperation.WRITE)))))
                    .hasMessageContaining("topics-it.absent.dlq (dead letters) does not exist");
        }
    }

    @Test
    void aBrokerWithoutAuthorizerAllowsEverything(TestKafka kafka) {
        try (Admin admin = admin(kafka)) {
            Topics.ensure(admin, Topics.deadLetters("topics-it.open.dlq", TopicLayout.BROKER_DEFAULTS, 2 * 1024 * 1024));

            TopicCheck.require(admin, "topics-it.open", List.of(new Need("topics-it.open.dlq", Role.DEAD_LETTERS,
                    Set.of(AclOperation.WRITE, AclOperation.READ, AclOperation.DESCRIBE_CONFIGS))));
        }
    }

    private static Admin admin(TestKafka kafka) {
        return Admin.create(KafkaSettings.bootstrap(kafka.bootstrapServers()).admin());
    }
}
