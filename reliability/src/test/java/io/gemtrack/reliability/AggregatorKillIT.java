package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code gemtrack aggregate} killed with SIGKILL in the middle of a stream, as a crash or the OOM killer would, and
 * started again: the new process restores the hosts from the checkpoints the dead one wrote, replays what they do not
 * cover, goes on with the rest of the stream, and ends with every host's whole model equal to a from-scratch fold.
 */
@ExtendWith(KafkaExtension.class)
class AggregatorKillIT {

    private static final String TOPIC = "kill-it.events";
    private static final String GROUP = "kill-it";
    private static final int PARTITIONS = 4;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "reliability", "aggregator-kill");

    @Test
    void aggregatorKilledMidStreamRestartsFromItsCheckpointsAndEndsEqualToTheFold(TestKafka kafka) throws Exception {
        String bootstrapServers = kafka.bootstrapServers();
        KafkaSettings settings = KafkaSettings.bootstrap(bootstrapServers);
        List<Event> events = FleetStream.events(6, 7, 500, 4_000);
        List<Event> beforeKill = events.subList(0, events.size() / 2);
        List<Event> aroundKill = events.subList(beforeKill.size(), events.size() * 3 / 4);
        List<Event> afterRestart = events.subList(beforeKill.size() + aroundKill.size(), events.size());
        FromScratchFold fold = new FromScratchFold();
        events.forEach(fold::apply);

        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(PARTITIONS));
             CheckpointStore checkpoints = new CheckpointStore(settings, Topics.checkpointsOf(TOPIC))) {
            try (ChildAggregator first = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL,
                    ChildAggregator.ROOMY_HEAP, LOGS.resolve("first.log"))) {
                FleetStream.publishPaced(publisher, beforeKill);
                Await.until("a complete checkpoint round that covers events, for the successor to restore", CATCH_UP,
                        () -> resumeOffsets(checkpoints), offsets -> offsets.values().stream().anyMatch(offset -> offset > 0));

                CompletableFuture<Void> streaming = FleetStream.publishPacedMeanwhile(publisher, aroundKill);
                long killAfter = beforeKill.size() + aroundKill.size() / 2;
                Await.until(killAfter + " events acknowledged, half of those published around the kill", CATCH_UP,
                        publisher::acknowledged, acknowledged -> acknowledged >= killAfter);
                first.kill();
                streaming.get(CATCH_UP.toSeconds(), TimeUnit.SECONDS);
            }

            Map<Integer, Long> restoredFrom = resumeOffsets(checkpoints);
            try (ChildAggregator successor = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL,
                    ChildAggregator.ROOMY_HEAP, LOGS.resolve("successor.log"))) {
                FleetStream.publishPaced(publisher, afterRestart);
                Await.until("every host's last published seq applied by the successor (log: " + successor.log() + ")",
                        CATCH_UP, successor.endpoint()::lastSeqs, fold.lastSeqs()::equals);

                fold.assertHeldBy(successor.endpoint(), fold.hosts());
                DeadLetters.assertNone(settings, TOPIC + ".dlq", successor.endpoint());
                double applied = Exposition.scrape(successor.endpoint().metricsUrl()).sum("gemtrack_events_applied_total");
                assertThat(applied).as("events the successor applied, having restored checkpoints at offsets %s", restoredFrom)
                        .isGreaterThanOrEqualTo(afterRestart.size()).isLessThan(events.size());
            }
        }
    }

    /** Where a new owner of each events partition resumes, for the partitions that have a complete round. */
    private static Map<Integer, Long> resumeOffsets(CheckpointStore checkpoints) {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            int owner = partition;
            checkpoints.read(partition).resumeAt().ifPresent(offset -> offsets.put(owner, offset));
        }
        return offsets;
    }
}
