package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The post-mortems of OOM kills live in the hosts' checkpoints: an aggregator that consumed a stream of kills and
 * checkpointed it is killed with SIGKILL, and its successor, which restores the checkpoints and has nothing left to
 * replay, serves the same post-mortems to the byte (their record timestamps included) and the same kill counters.
 */
@ExtendWith(KafkaExtension.class)
class OomKillsRestartIT {

    private static final String TOPIC = "oom-kills-restart-it.events";
    private static final String GROUP = "oom-kills-restart-it";
    private static final int PARTITIONS = 2;
    private static final int HOSTS = 4;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);
    private static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "reliability", "oom-kills-restart");

    @Test
    void postMortemsSurviveAnAggregatorKilledAndRestartedFromItsCheckpoints(TestKafka kafka) throws Exception {
        String bootstrapServers = kafka.bootstrapServers();
        KafkaSettings settings = KafkaSettings.bootstrap(bootstrapServers);
        FleetSimulation fleet = new FleetSimulation(HOSTS, 19, Scenarios.parse("leak"), false, 400);
        List<Event> events = new ArrayList<>();
        while (events.size() < 10_000) {
            events.addAll(fleet.step());
        }
        long kills = events.stream().filter(event -> event.body() instanceof OomKill).count();
        assertThat(kills).as("OOM kills in the stream").isGreaterThan(HOSTS);
        FromScratchFold fold = FromScratchFold.of(events);

        Map<String, String> served = new TreeMap<>();
        double killsCounted;
        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(PARTITIONS));
             CheckpointStore checkpoints = new CheckpointStore(settings, Topics.checkpointsOf(TOPIC))) {
            FleetStream.publishPaced(publisher, events);
            long published = publisher.acknowledged();
            try (ChildAggregator first = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL,
                    ChildAggregator.ROOMY_HEAP, LOGS.resolve("first.log"))) {
                Await.until("every event applied (log: " + first.log() + ")", CATCH_UP, first.endpoint()::lastSeqs,
                        fold.lastSeqs()::equals);
                Await.until("checkpoint rounds that cover every event", CATCH_UP, () -> coveredOffsets(checkpoints),
                        covered -> covered == published);
                fold.hosts().forEach(host -> served.put(host, first.endpoint().api().text("/api/hosts/" + host + "/oom-kills")));
                killsCounted = Exposition.scrape(first.endpoint().metricsUrl()).sum("gemtrack_oom_kills_total");
                first.kill();
            }
            assertThat(killsCounted).isEqualTo(kills);

            try (ChildAggregator successor = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL,
                    ChildAggregator.ROOMY_HEAP, LOGS.resolve("successor.log"))) {
                Await.until("every host restored (log: " + successor.log() + ")", CATCH_UP, successor.endpoint()::lastSeqs,
                        fold.lastSeqs()::equals);
                for (String host : fold.hosts()) {
                    assertThat(successor.endpoint().api().text("/api/hosts/" + host + "/oom-kills")).as("post-mortems of %s", host)
                            .isEqualTo(served.get(host));
                }
                fold.assertHeldBy(successor.endpoint(), fold.hosts());
                Exposition metrics = Exposition.scrape(successor.endpoint().metricsUrl());
                assertThat(metrics.sum("gemtrack_events_applied_total")).as("events the successor replayed").isZero();
                assertThat(metrics.sum("gemtrack_oom_kills_total")).as("kills the successor counts").isEqualTo(kills);
            }
        }
    }

    /** The events the last complete checkpoint round of every partition covers, summed over the partitions. */
    private static long coveredOffsets(CheckpointStore checkpoints) {
        long covered = 0;
        for (int partition = 0; partition < PARTITIONS; partition++) {
            covered += checkpoints.read(partition).resumeAt().orElse(0L);
        }
        return covered;
    }
}
