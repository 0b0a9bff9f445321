package io.gemtrack.aggregator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.differential.HostFigures;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An aggregator stops mid-stream and another of its group takes over: the successor restores the hosts from
 * checkpoints, replays only what they do not cover, and ends with every figure equal to a from-scratch fold.
 */
@ExtendWith(KafkaExtension.class)
class CheckpointRestartIT {

    private static final int HOSTS = 12;

    @Test
    void successorRestoresCheckpointsReplaysTheRestAndEqualsTheFullFold(TestKafka kafka) throws Exception {
        String topic = "restart-it.events";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        Aggregator.Config config = new Aggregator.Config(settings, "restart-it", topic, topic + ".dlq", "127.0.0.1", 0,
                AggregatorMetrics.DEFAULT_TOP_PROCESSES, Duration.ofMillis(200));
        List<Event> firstHalf = new ArrayList<>();
        List<Event> secondHalf = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            List<Event> story = BasicScenario.events("restart-host-" + i, "boot-1");
            // Half the hosts are done before the restart, the others are cut in the middle of their story.
            int cut = i % 2 == 0 ? story.size() : story.size() / 2;
            firstHalf.addAll(story.subList(0, cut));
            secondHalf.addAll(story.subList(cut, story.size()));
        }
        try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(4))) {
            firstHalf.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
            AtomicLong appliedByFirst = new AtomicLong();
            try (Aggregator first = new Aggregator(config, (record, event) -> appliedByFirst.incrementAndGet())) {
                awaitCount(appliedByFirst, firstHalf.size());
                Thread.sleep(600);
            }
            secondHalf.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }

        AtomicLong appliedBySuccessor = new AtomicLong();
        try (Aggregator successor = new Aggregator(config, (record, event) -> appliedBySuccessor.incrementAndGet())) {
            awaitCount(appliedBySuccessor, secondHalf.size());
            ApiClient api = new ApiClient(successor.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == HOSTS);

            FleetModel fromScratch = new FleetModel();
            firstHalf.forEach(fromScratch::apply);
            secondHalf.forEach(fromScratch::apply);
            for (int i = 0; i < HOSTS; i++) {
                String host = "restart-host-" + i;
                assertThat(HostFigures.fromApi(api, host)).as(host).usingRecursiveComparison()
                        .isEqualTo(HostFigures.of(fromScratch.host(host)));
            }
            Thread.sleep(500);
            assertThat(appliedBySuccessor.get()).as("events the successor applied: only those after the checkpoint")
                    .isEqualTo(secondHalf.size());
        }
    }

    private static void awaitCount(AtomicLong count, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (count.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(count.get()).isEqualTo(expected);
    }
}
