package io.gemtrack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Publishing right after the topic is created, as the demo and every test do. Before topics were awaited until their
 * partitions took writes, about one round in fifty lost its race with a partition's leader: the first batch failed,
 * the second landed, and the first was refused as out of order until its delivery timeout.
 */
@ExtendWith(KafkaExtension.class)
class FreshTopicPublishIT {

    private static final int ROUNDS = 50;
    private static final int PARTITIONS = 16;
    /** Spread over the partitions, several batches each, so batches to one partition overlap in flight. */
    private static final List<Event> EVENTS = IntStream.range(0, 4 * PARTITIONS)
            .mapToObj(host -> BasicScenario.events("fresh-" + host, "boot-1"))
            .flatMap(List::stream)
            .toList();

    @Test
    void everyEventSentToAJustCreatedTopicIsAcknowledged(TestKafka kafka) {
        // A stalled batch fails in seconds rather than after the production default of five minutes.
        KafkaSettings settings = KafkaSettings.builder().bootstrapServers(kafka.bootstrapServers())
                .property(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG + "=15000")
                .property(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG + "=5000").build();
        for (int round = 0; round < ROUNDS; round++) {
            try (EventPublisher publisher = new EventPublisher(settings, "fresh-topic-" + round, TopicLayout.partitions(PARTITIONS))) {
                EVENTS.forEach(publisher::publish);
                publisher.flush();
                assertThat(publisher.acknowledged())
                        .as("events acknowledged in round %d; last error: %s", round, publisher.lastError())
                        .isEqualTo(EVENTS.size());
            }
        }
    }
}
