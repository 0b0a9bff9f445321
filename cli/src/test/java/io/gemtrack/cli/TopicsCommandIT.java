package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code gemtrack topics} against a real broker: creates what an aggregator needs, and says what keeps a topic from serving. */
@ExtendWith(KafkaExtension.class)
class TopicsCommandIT {

    private final CapturedCommandLine cli = CapturedCommandLine.gemtrack();

    @Test
    void createMakesTheThreeTopicsAsLaidOutAndDescribesThem(TestKafka kafka) {
        int status = cli.run("topics", "--create", "--bootstrap-server", kafka.bootstrapServers(), "--topic", "topics-cmd.events",
                "--dead-letter-topic", "topics-cmd.events.dlq", "--partitions", "6", "--replication-factor", "1",
                "--min-insync-replicas", "1");

        assertThat(status).as(cli.err.toString()).isZero();
        assertThat(cli.out.toString()).contains(
                "topics-cmd.events (events): 6 partitions, replication factor 1, cleanup.policy=delete, retention.ms=-1,"
                        + " min.insync.replicas=1",
                "topics-cmd.events.checkpoints (checkpoints): 6 partitions, replication factor 1, cleanup.policy=compact",
                "topics-cmd.events.checkpoints.history (checkpoint history): 6 partitions, replication factor 1, cleanup.policy=delete",
                "topics-cmd.events.dlq (dead letters): 1 partitions, replication factor 1",
                "this principal may: ALTER, ALTER_CONFIGS, CREATE, DELETE, DESCRIBE, DESCRIBE_CONFIGS, READ, WRITE")
                .doesNotContain("cannot serve");

        cli.out.getBuffer().setLength(0);
        assertThat(cli.run("topics", "--describe", "--bootstrap-server", kafka.bootstrapServers(), "--topic", "topics-cmd.events",
                "--dead-letter-topic", "topics-cmd.events.dlq")).isZero();
        assertThat(cli.out.toString()).contains("topics-cmd.events (events): 6 partitions");
    }

    @Test
    void describeNamesEveryProblemAndExitsWithOne(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.bootstrap(kafka.bootstrapServers()).admin())) {
            admin.createTopics(List.of(new NewTopic("topics-bad.events", Optional.of(4), Optional.empty()),
                    new NewTopic("topics-bad.events.checkpoints", Optional.of(2), Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact,delete")))).all().get();
        }

        int status = cli.run("topics", "--describe", "--bootstrap-server", kafka.bootstrapServers(), "--topic", "topics-bad.events",
                "--dead-letter-topic", "topics-bad.events.dlq");

        assertThat(status).isEqualTo(TopicsCommand.UNUSABLE);
        assertThat(cli.out.toString()).contains("cannot serve gemtrack as they are:",
                "  - topics-bad.events.checkpoints has 2 partitions, fewer than the events topic's 4",
                "  - topics-bad.events.checkpoints is not compacted alone (cleanup.policy=compact,delete)",
                "  - topics-bad.events.dlq (dead letters) does not exist");
    }

    @Test
    void anAggregatorOnAnUnusableTopicStopsAtOnceNamingIt(TestKafka kafka) throws Exception {
        try (Admin admin = Admin.create(KafkaSettings.bootstrap(kafka.bootstrapServers()).admin())) {
            admin.createTopics(List.of(new NewTopic("topics-compacted.events", Optional.of(2), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }

        int status = cli.run("aggregate", "--bootstrap-server", kafka.bootstrapServers(), "--topic", "topics-compacted.events",
                "--http-port", "0");

        assertThat(status).isNotZero();
        assertThat(cli.err.toString()).contains("topics-compacted.events is compacted (cleanup.policy=compact)");
    }

    @Test
    void oneOfCreateAndDescribeIsRequired() {
        assertThat(cli.run("topics")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("Missing required argument", "--create", "--describe");
        assertThat(cli.run("topics", "--create", "--describe")).isEqualTo(2);
        assertThat(cli.run("topics", "--describe", "--partitions", "0")).isEqualTo(2);
    }
}
