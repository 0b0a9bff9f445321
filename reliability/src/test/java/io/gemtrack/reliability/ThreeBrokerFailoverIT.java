package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.broker.BrokerSecurity;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.broker.KafkaCluster;
import io.gemtrack.cli.Gemtrack;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicCheck;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.producer.EventPump;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.TopicRecords;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * gemtrack on a three-node cluster as it runs in production: topics with three replicas and
 * {@code min.insync.replicas=2}, the emulator producing with {@code acks=all}, an aggregator consuming. The KRaft
 * quorum's leader is killed with SIGKILL mid-stream and later restarted; once it is back in sync, the node leading
 * most of the events partitions is killed too and stays down. Every event is acknowledged exactly once and is in the
 * log once, the aggregator's hosts equal a from-scratch fold, no record goes to dead letters, and a successor
 * restores every host from the checkpoints, with a node still down, without applying an event again.
 *
 * <p>Tagged {@code large}: three broker JVMs and about two minutes, so {@code mvn verify} leaves it out and
 * {@code -Plarge} (which {@code scripts/test}, and so CI, passes) runs it.
 */
@Tag("large")
class ThreeBrokerFailoverIT {

    private static final String TOPIC = "failover-it.events";
    private static final String DEAD_LETTERS = TOPIC + ".dlq";
    private static final String GROUP = "failover-it";
    private static final int PARTITIONS = 4;
    private static final int HOSTS = 6;
    private static final long EVENTS_PER_SECOND = 1_000;
    /** Events acknowledged in each phase: before the first kill, while a node is down, between the kills, after. */
    private static final int PHASE_EVENTS = 1_500;
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void killingTheQuorumLeaderAndThenThePartitionLeadersLosesAndDuplicatesNothing() throws Exception {
        try (KafkaCluster cluster = KafkaCluster.startTemporary(3, BrokerSecurity.NONE)) {
            KafkaSettings settings = KafkaSettings.bootstrap(cluster.bootstrapServers());
            assertThat(Gemtrack.commandLine().execute("topics", "--create", "--bootstrap-server", cluster.bootstrapServers(),
                    "--topic", TOPIC, "--dead-letter-topic", DEAD_LETTERS, "--partitions", Integer.toString(PARTITIONS),
                    "--replication-factor", "3", "--min-insync-replicas", "2")).as("gemtrack topics --create").isZero();
            List<String> topics = List.of(TOPIC, Topics.checkpointsOf(TOPIC), DEAD_LETTERS);
            assertReplicatedThreeTimesWithTwoInSync(settings, topics);

            FleetSimulation fleet = new FleetSimulation(HOSTS, 33, Scenarios.parse(Scenarios.MIXED), false, 500);
            List<Event> published = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stopProducing = new AtomicBoolean();
            Aggregator.Config config = new Aggregator.Config(settings, GROUP, TOPIC, DEAD_LETTERS, "127.0.0.1", 0,
                    AggregatorMetrics.DEFAULT_TOP_PROCESSES, Duration.ofMillis(500));
            FromScratchFold fold = new FromScratchFold();
            try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.BROKER_DEFAULTS)) {
                try (Aggregator aggregator = new Aggregator(config)) {
                    EventPump pump = new EventPump(fleet, event -> {
                        published.add(event);
                        publisher.publish(event);
                    }, publisher::failed, publisher::reconnected, new PrintWriter(System.err, true));
                    CompletableFuture<EventPump.Totals> producing = CompletableFuture.supplyAsync(() -> pump.run(
                            new EventPump.Limits(0, null, EVENTS_PER_SECOND), stopProducing::get));

                    awaitMoreAcknowledged(publisher, "before the first kill");
                    KafkaBroker quorumLeader = cluster.node(quorumLeader(settings));
                    quorumLeader.kill();
                    awaitMoreAcknowledged(publisher, "with the quorum leader, node " + quorumLeader.nodeId() + ", killed");
                    quorumLeader.start();
                    awaitAllInSync(settings, topics);
                    awaitMoreAcknowledged(publisher, "with node " + quorumLeader.nodeId() + " back in sync");
                    KafkaBroker partitionLeader = cluster.node(leaderOfMostPartitions(settings));
                    partitionLeader.kill();
                    awaitMoreAcknowledged(publisher, "with the leader of most partitions, node " + partitionLeader.nodeId()
                            + ", killed");
                    stopProducing.set(true);
                    EventPump.Totals totals = producing.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    publisher.flushExpectingNoFailure();

                    assertThat(totals.errors()).as("events the producer failed to deliver").isZero();
                    assertThat(publisher.acknowledged()).as("events acknowledged, each once").isEqualTo(published.size());
                    // With an idempotent producer, retries after a failover add no record.
                    assertThat(TopicRecords.count(settings.consumer(Map.of()), TOPIC)).as("records in %s", TOPIC).isEqualTo(published.size());

                    published.forEach(fold::apply);
                    AggregatorEndpoint endpoint = new AggregatorEndpoint(aggregator.httpPort());
                    Await.until("every host's last published seq applied", TIMEOUT, endpoint::lastSeqs, fold.lastSeqs()::equals);
                    fold.assertHeldBy(endpoint, fold.hosts());
                    DeadLetters.assertNone(settings, DEAD_LETTERS, endpoint);
                }

                // The aggregator handed its hosts over in a last checkpoint round as it closed; a successor restores
                // them all, with one node still down, and has nothing to apply.
                try (Aggregator successor = new Aggregator(config)) {
                    AggregatorEndpoint endpoint = new AggregatorEndpoint(successor.httpPort());
                    Await.until("every host restored by the successor", TIMEOUT, endpoint::lastSeqs, fold.lastSeqs()::equals);
                    fold.assertHeldBy(endpoint, fold.hosts());
                    assertThat(Exposition.scrape(endpoint.metricsUrl()).sum("gemtrack_events_applied_total"))
                            .as("events the successor applied after restoring the checkpoints").isZero();
                }
            }
        }
    }

    private static void awaitMoreAcknowledged(EventPublisher publisher, String phase) throws InterruptedException {
        long target = publisher.acknowledged() + PHASE_EVENTS;
        Await.until(PHASE_EVENTS + " more events acknowledged " + phase, TIMEOUT, publisher::acknowledged,
                acknowledged -> acknowledged >= target);
    }

    private static void assertReplicatedThreeTimesWithTwoInSync(KafkaSettings settings, List<String> topics) {
        try (Admin admin = Admin.create(settings.admin())) {
            Map<String, TopicCheck.Inspected> inspected = TopicCheck.inspect(admin, topics);
            assertThat(inspected.keySet()).containsExactlyElementsOf(topics);
            inspected.values().forEach(topic -> {
                assertThat(topic.replicationFactor()).as("replicas of %s", topic.name()).isEqualTo(3);
                assertThat(topic.configs()).as("settings of %s", topic.name()).containsEntry("min.insync.replicas", "2");
            });
        }
    }

    /** The node leading the KRaft quorum: the active controller. */
    private static int quorumLeader(KafkaSettings settings) throws Exception {
        try (Admin admin = Admin.create(settings.admin())) {
            return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
        }
    }

    private static int leaderOfMostPartitions(KafkaSettings settings) throws Exception {
        Map<Integer, Long> partitionsLed = describe(settings, List.of(TOPIC)).get(TOPIC).partitions().stream()
                .filter(partition -> partition.leader() != null)
                .collect(Collectors.groupingBy(partition -> partition.leader().id(), Collectors.counting()));
        return partitionsLed.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Waits until every partition of {@code topics} has all three replicas in sync again. */
    private static void awaitAllInSync(KafkaSettings settings, List<String> topics) throws InterruptedException {
        Await.until("every partition of " + topics + " with three replicas in sync", TIMEOUT, () -> {
            try {
                return describe(settings, topics).values().stream().flatMap(topic -> topic.partitions().stream())
                        .mapToInt(partition -> partition.isr().size()).min().orElse(0);
            } catch (ExecutionException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, inSync -> inSync == 3);
    }

    private static Map<String, TopicDescription> describe(KafkaSettings settings, List<String> topics)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(settings.admin())) {
            return admin.describeTopics(topics).allTopicNames().get();
        }
    }
}
