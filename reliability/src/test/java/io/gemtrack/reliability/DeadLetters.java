package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.TopicRecords;
import java.util.List;
import java.util.Map;

/** Nothing went to dead letters: neither counted by a running aggregator nor left in the topic by one that died. */
final class DeadLetters {

    private DeadLetters() {
    }

    static void assertNone(KafkaSettings kafka, String topic, AggregatorEndpoint... aggregators) {
        for (AggregatorEndpoint aggregator : aggregators) {
            String url = aggregator.metricsUrl();
            List<Exposition.Sample> counts = Exposition.scrape(url).samples().stream()
                    .filter(sample -> sample.name().equals("gemtrack_dead_letters_total")).toList();
            assertThat(counts).as("gemtrack_dead_letters_total at %s, one series per reason", url).isNotEmpty()
                    .allSatisfy(sample -> assertThat(sample.value()).as("dead letters %s", sample.labels()).isZero());
        }
        // A killed aggregator's counters died with it; the records it dead-lettered would still be in the topic.
        assertThat(TopicRecords.count(kafka.consumer(Map.of()), topic)).as("records in %s", topic).isZero();
    }
}
