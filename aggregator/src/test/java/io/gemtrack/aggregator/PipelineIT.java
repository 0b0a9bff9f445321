package io.gemtrack.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.EventConsumer;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import io.gemtrack.testkit.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The walking skeleton end to end: producer → real broker → aggregator → Prometheus text scraped over HTTP. */
@ExtendWith(KafkaExtension.class)
class PipelineIT {

    @Test
    void scenarioPublishedThroughBrokerShowsUpInScrapedMetrics(TestKafka kafka) throws Exception {
        String topic = "pipeline-it.events";
        List<Event> events = BasicScenario.events("host-a", "boot-1");
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), topic, TopicLayout.partitions(4))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }

        Aggregator.Config config = new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()),
                "pipeline-it", topic, topic + ".dlq", "127.0.0.1", 0);
        try (Aggregator aggregator = new Aggregator(config)) {
            String url = "http://127.0.0.1:" + aggregator.httpPort() + "/metrics";
            Exposition scrape = Exposition.awaitScrape(url, s -> s.value("gemtrack_events_applied_total", "type", "GemFree").isPresent());

            assertThat(scrape.value("gemtrack_host_gem_bytes", "host", "host-a")).contains((double) BasicScenario.SHARED_BUFFER_BYTES);
            assertThat(scrape.value("gemtrack_host_gem_objects", "host", "host-a")).contains(1.0);
            assertThat(scrape.value("gemtrack_events_applied_total", "type", "GemCreate")).contains(2.0);
            assertThat(scrape.sum("gemtrack_events_applied_total")).isEqualTo(events.size());
            assertThat(scrape.value("gemtrack_sequence_gaps_total", "host", "host-a")).contains(0.0);
            assertThat(scrape.text()).contains("# HELP gemtrack_host_gem_bytes ");
            // The shared buffer is held by both processes: only rss (blind) and freeable (no sole holder) leave it unaccounted.
            assertThat(scrape.value("gemtrack_host_unaccounted_bytes", "host", "host-a", "policy", "rss"))
                    .contains((double) BasicScenario.SHARED_BUFFER_BYTES);
            assertThat(scrape.value("gemtrack_host_unaccounted_bytes", "host", "host-a", "policy", "freeable"))
                    .contains((double) BasicScenario.SHARED_BUFFER_BYTES);
            assertThat(scrape.value("gemtrack_host_unaccounted_bytes", "host", "host-a", "policy", "proportional")).contains(0.0);
            assertThat(scrape.value("gemtrack_host_orphaned_bytes", "host", "host-a")).contains(0.0);
            assertThat(scrape.value("gemtrack_unsynchronised_hosts")).contains(0.0);
            assertThat(scrape.value("gemtrack_events_skipped_total")).contains(0.0);
            assertThat(scrape.value("gemtrack_counter_mismatches_total", "host", "host-a")).isPresent();
            assertThat(scrape.value("gemtrack_counter_mismatched_processes", "host", "host-a")).isPresent();
        }
    }

    @Test
    void anEventWhoseRecordKeyIsNotItsHostIsADeadLetterAndIsNotApplied(TestKafka kafka) throws Exception {
        String topic = "pipeline-it-keys.events";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        List<Event> events = BasicScenario.events("host-a", "boot-1");
        Event misKeyed = BasicScenario.events("host-b", "boot-1").get(0);
        byte[] misKeyedBytes = new EventCodec().encode(misKeyed);
        Aggregator.Config config = new Aggregator.Config(settings, "pipeline-it-keys", topic, topic + ".dlq", "127.0.0.1", 0);
        try (Aggregator aggregator = new Aggregator(config);
             EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(4));
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(settings.producer(Map.of()), new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, "host-a".getBytes(StandardCharsets.UTF_8), misKeyedBytes)).get();
            raw.send(new ProducerRecord<>(topic, null, misKeyedBytes)).get();
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();

            String url = "http://127.0.0.1:" + aggregator.httpPort() + "/metrics";
            Exposition scrape = Exposition.awaitScrape(url, s -> s.sum("gemtrack_events_applied_total") + s.sum("gemtrack_dead_letters_total")
                    == events.size() + 2);
            assertThat(scrape.value("gemtrack_dead_letters_total", "reason", EventConsumer.KEY_MISMATCH)).contains(2.0);
            assertThat(scrape.sum("gemtrack_events_applied_total")).isEqualTo(events.size());
            assertThat(scrape.value("gemtrack_host_gem_objects", "host", "host-b")).as("the mis-keyed event's host").isEmpty();
            assertThat(scrape.value("gemtrack_host_gem_objects", "host", "host-a")).contains(1.0);

            List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicRecords.readAll(kafka.clientConfig(), topic + ".dlq");
            assertThat(deadLetters).hasSize(2).allSatisfy(deadLetter -> {
                assertThat(TopicRecords.header(deadLetter, DeadLetterPublisher.REASON_HEADER)).isEqualTo(EventConsumer.KEY_MISMATCH);
                assertThat(TopicRecords.header(deadLetter, DeadLetterPublisher.TOPIC_HEADER)).isEqualTo(topic);
                assertThat(deadLetter.value()).as("the original bytes").isEqualTo(misKeyedBytes);
            });
            assertThat(deadLetters).extracting(deadLetter -> TopicRecords.header(deadLetter, DeadLetterPublisher.MESSAGE_HEADER))
                    .containsExactlyInAnyOrder("the record has key 'host-a', not its event's host 'host-b'",
                            "the record has no key, not its event's host 'host-b'");
        }
    }
}
