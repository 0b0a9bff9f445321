package io.gemtrack.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
            Exposition scrape = awaitScrape(url, s -> s.value("gemtrack_events_applied_total", "type", "GemFree").isPresent());

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

    private static Exposition awaitScrape(String url, java.util.function.Predicate<Exposition> ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Optional<Exposition> last = Optional.empty();
        while (System.nanoTime() < deadline) {
            Exposition scrape = Exposition.scrape(url);
            if (ready.test(scrape)) {
                return scrape;
            }
            last = Optional.of(scrape);
            Thread.sleep(100);
        }
        throw new AssertionError("metrics never became ready; last scrape:\n" + last.map(Exposition::text).orElse("none"));
    }
}
