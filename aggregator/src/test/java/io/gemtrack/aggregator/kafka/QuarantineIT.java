package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventStamper;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.ModelFaults;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import io.gemtrack.testkit.TopicRecords;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SEMANTICS.md §10 through a real broker: one host that a planted bug makes fail while applying, and one whose
 * checkpoint cannot be taken, are quarantined alone. The consumer goes on, the checkpoint rounds of the partition
 * complete for the healthy host, the record that broke the first host is a dead letter, and a consumer started again
 * from those checkpoints restores both quarantined, until a snapshot of each releases it.
 */
@ExtendWith(KafkaExtension.class)
class QuarantineIT {

    private static final String TOPIC = "quarantine-it.events";
    private static final Duration CHECKPOINTS = Duration.ofMillis(500);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String HEALTHY = "healthy";
    /** Its model loses a holder after the scratch buffer's pin: the delete of that buffer's handle then fails in the fold. */
    private static final String FAILS_TO_APPLY = "fails-to-apply";
    /** Its model gets a process without counters once its events are in: it applies, but cannot be checkpointed. */
    private static final String FAILS_TO_CHECKPOINT = "fails-to-checkpoint";

    @Test
    void hostsThatFailToApplyOrToCheckpointAreQuarantinedAloneAndStayQuarantinedAcrossARestart(TestKafka kafka) throws Exception {
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        try (Admin admin = Admin.create(settings.admin())) {
            // One partition: every host in one checkpoint round, so the healthy host's round is the broken ones' too.
            Topics.ensure(admin, Topics.events(TOPIC, TopicLayout.partitions(1)), Topics.deadLetters(TOPIC + ".dlq", TopicLayout.BROKER_DEFAULTS, 2 << 20),
                    Topics.checkpoints(Topics.checkpointsOf(TOPIC), 1, TopicLayout.BROKER_DEFAULTS, CheckpointStore.MAX_CHECKPOINT_BYTES));
        }
        List<Event> scenario = BasicScenario.events(FAILS_TO_APPLY, "boot-1");
        int scratchPinned = 12;
        SharedFleet fleet = new SharedFleet();
        AppliedListener plantsBugs = (record, event) -> fleet.change(model -> {
            if (event.host().equals(FAILS_TO_APPLY) && event.seq() == scratchPinned) {
                ModelFaults.forgetHolder(model.host(FAILS_TO_APPLY), 2, 100);
            } else if (event.host().equals(FAILS_TO_CHECKPOINT) && event.seq() == scenario.size() - 1) {
                ModelFaults.addProcessWithoutCounters(model.host(FAILS_TO_CHECKPOINT), 999);
            }
        });

        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(1))) {
            for (String host : List.of(HEALTHY, FAILS_TO_APPLY, FAILS_TO_CHECKPOINT)) {
                BasicScenario.events(host, "boot-1").forEach(publisher::publish);
            }
            publisher.flushExpectingNoFailure();

            Optional<String> failedToApply;
            Optional<String> failedToCheckpoint;
            try (Running running = new Running(settings, fleet, plantsBugs)) {
                await("both broken hosts quarantined", () -> quarantined(fleet, FAILS_TO_APPLY).isPresent()
                        && quarantined(fleet, FAILS_TO_CHECKPOINT).isPresent());
                assertThat(quarantined(fleet, FAILS_TO_APPLY)).hasValueSatisfying(reason ->
                        assertThat(reason).startsWith("applying GemHandleDelete seq 16 failed: java.lang.NullPointerException"));
                assertThat(quarantined(fleet, FAILS_TO_CHECKPOINT)).hasValueSatisfying(reason ->
                        assertThat(reason).startsWith("taking its checkpoint failed: io.gemtrack.events.InvalidEventException"));
                failedToApply = quarantined(fleet, FAILS_TO_APPLY);
                failedToCheckpoint = quarantined(fleet, FAILS_TO_CHECKPOINT);

                publisher.publish(new EventStamper(HEALTHY, "boot-1", scenario.size()).stamp(99_000_000, new ProcessFork(300, 1, "later", false)));
                publisher.publish(new EventStamper(FAILS_TO_APPLY, "boot-1", scenario.size()).stamp(99_000_000, new ProcessFork(300, 1, "skipped", false)));
                publisher.flushExpectingNoFailure();
                await("the healthy host's next event", () -> processOf(fleet, HEALTHY, 300));
                assertThat(running.consumer.status().state()).isEqualTo(ConsumerStatus.State.CONSUMING);
                await("the quarantined host's next event skipped", () -> lastSeq(fleet, FAILS_TO_APPLY) == scenario.size());
                assertThat(processOf(fleet, FAILS_TO_APPLY, 300)).isFalse();
                await("a checkpoint round that covers every event", () -> running.checkpoints.read(0).resumeAt().orElse(0)
                        == 3L * scenario.size() + 2);
            }

            List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicRecords.readAll(kafka.clientConfig(), TOPIC + ".dlq");
            assertThat(deadLetters).singleElement().satisfies(deadLetter -> {
                assertThat(TopicRecords.header(deadLetter, DeadLetterPublisher.REASON_HEADER)).isEqualTo(EventConsumer.QUARANTINED);
                assertThat(TopicRecords.header(deadLetter, DeadLetterPublisher.MESSAGE_HEADER)).startsWith("applying GemHandleDelete seq 16");
            });

            // Started again from the checkpoints: the healthy host as folded, the broken ones quarantined, and nothing dies.
            SharedFleet restarted = new SharedFleet();
            try (Running running = new Running(settings, restarted, AppliedListener.NONE)) {
                await("the hosts restored", () -> hosts(restarted) == 3);
                HostModel fold = new HostModel(HEALTHY);
                BasicScenario.events(HEALTHY, "boot-1").forEach(fold::apply);
                fold.apply(new EventStamper(HEALTHY, "boot-1", scenario.size()).stamp(99_000_000, new ProcessFork(300, 1, "later", false)));
                CheckpointCodec codec = new CheckpointCodec();
                restarted.change(model -> {
                    assertThat(codec.encode(model.host(HEALTHY).checkpoint())).isEqualTo(codec.encode(fold.checkpoint()));
                    assertThat(model.host(FAILS_TO_APPLY).quarantineReason()).isEqualTo(failedToApply);
                    assertThat(model.host(FAILS_TO_CHECKPOINT).quarantineReason()).isEqualTo(failedToCheckpoint);
                    assertThat(model.host(FAILS_TO_APPLY).processes()).as("a quarantined host's checkpoint has no state").isEmpty();
                    assertThat(model.host(FAILS_TO_APPLY).lastSeq()).isEqualTo(scenario.size());
                });

                for (String host : List.of(FAILS_TO_APPLY, FAILS_TO_CHECKPOINT)) {
                    publisher.publish(new EventStamper(host, "boot-1", scenario.size() + 1).stamp(99_000_000,
                            new HostSnapshot(new HostMemory(16L << 30, 0), List.of(), List.of(), List.of(), List.of(), List.of(), List.of())));
                }
                publisher.flushExpectingNoFailure();
                await("both released by their snapshots", () -> quarantined(restarted, FAILS_TO_APPLY).isEmpty()
                        && quarantined(restarted, FAILS_TO_CHECKPOINT).isEmpty());
                assertThat(running.consumer.status().state()).isEqualTo(ConsumerStatus.State.CONSUMING);
            }
        }
    }

    /** An event consumer of the topic on its own thread, with its checkpoints and dead letters. */
    private static final class Running implements AutoCloseable {
        private final CheckpointStore checkpoints;
        private final DeadLetterPublisher deadLetters;
        private final EventConsumer consumer;
        private final Thread thread;

        Running(KafkaSettings settings, SharedFleet fleet, AppliedListener listener) {
            HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
            AggregatorMetrics metrics = new AggregatorMetrics(new PrometheusRegistry(), fleet, activity);
            checkpoints = new CheckpointStore(settings, Topics.checkpointsOf(TOPIC));
            deadLetters = new DeadLetterPublisher(settings, TOPIC + ".dlq", 2 << 20, metrics);
            consumer = new EventConsumer(settings, "quarantine-it", TOPIC, fleet, metrics, deadLetters, listener, checkpoints,
                    CHECKPOINTS, activity);
            thread = new Thread(consumer, "quarantine-it-consumer");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            consumer.close();
            thread.join();
            deadLetters.close();
            checkpoints.close();
        }
    }

    private static Optional<String> quarantined(SharedFleet fleet, String host) {
        return fleet.read(models -> {
            HostModel model = models.host(host);
            return model == null ? Optional.empty() : model.quarantineReason();
        });
    }

    private static boolean processOf(SharedFleet fleet, String host, int pid) {
        return fleet.read(models -> {
            HostModel model = models.host(host);
            return model != null && model.process(pid) != null;
        });
    }

    private static long lastSeq(SharedFleet fleet, String host) {
        return fleet.read(models -> {
            HostModel model = models.host(host);
            return model == null ? -1 : model.lastSeq();
        });
    }

    private static int hosts(SharedFleet fleet) {
        return fleet.read(models -> models.hosts().size());
    }

    private static void await(String what, Supplier<Boolean> done) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened in " + PATIENCE.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
