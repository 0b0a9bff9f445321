package io.gemtrack.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventStamper;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import io.gemtrack.testkit.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hosts that stop sending, through a real broker: a silent host is shown stale after the stale time and dropped after
 * the drop time (model, series and checkpoint), while a host that keeps sending stays; a successor restoring the
 * checkpoints does not bring the dropped host back.
 */
@ExtendWith(KafkaExtension.class)
class HostExpiryIT {

    private static final String SILENT = "expiry-silent";
    private static final String TALKING = "expiry-talking";
    private static final HostActivity.Expiry EXPIRY = new HostActivity.Expiry(Duration.ofSeconds(2), Duration.ofSeconds(5));
    private static final Duration KEEP_ALIVE = Duration.ofMillis(250);

    @Test
    void aSilentHostIsStaleThenDroppedWithItsSeriesAndCheckpointWhileATalkingHostStays(TestKafka kafka) throws Exception {
        String topic = "host-expiry-it.events";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        Aggregator.Config config = new Aggregator.Config(settings, "host-expiry-it", topic, topic + ".dlq", "127.0.0.1", 0,
                10, Duration.ofMillis(200), EXPIRY);
        List<Event> talking = BasicScenario.events(TALKING, "boot-1");
        EventStamper keepAlive = new EventStamper(TALKING, "boot-1", talking.size());
        try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(4))) {
            BasicScenario.events(SILENT, "boot-1").forEach(publisher::publish);
            talking.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();

            try (Aggregator aggregator = new Aggregator(config)) {
                ApiClient api = new ApiClient(aggregator.httpPort());
                String metrics = "http://127.0.0.1:" + aggregator.httpPort() + "/metrics";
                JsonNode fresh = api.await("/api/hosts", hosts -> hosts.size() == 2);
                assertThat(host(fresh, SILENT).get("stale").asBoolean()).as("%s stale at first", SILENT).isFalse();

                List<JsonNode> stale = new ArrayList<>();
                long[] staleSince = new long[1];
                awaitWhileTalking(publisher, keepAlive, "the silent host shown stale", () -> {
                    JsonNode hosts = api.get("/api/hosts").body();
                    if (host(hosts, SILENT).get("stale").asBoolean()) {
                        staleSince[0] = System.currentTimeMillis();
                        stale.add(hosts);
                        return true;
                    }
                    return false;
                });
                assertThat(staleSince[0] - host(stale.get(0), SILENT).get("lastReceivedEpochMillis").asLong())
                        .as("milliseconds since %s was last heard of, when it was first seen stale", SILENT)
                        .isGreaterThanOrEqualTo(EXPIRY.staleAfter().toMillis()).isLessThan(EXPIRY.dropAfter().toMillis());
                assertThat(host(stale.get(0), TALKING).get("stale").asBoolean()).as("%s stale", TALKING).isFalse();
                Exposition staleScrape = Exposition.scrape(metrics);
                assertThat(staleScrape.value("gemtrack_host_last_event_age_seconds", "host", SILENT)).hasValueSatisfying(age ->
                        assertThat(age).isGreaterThanOrEqualTo(EXPIRY.staleAfter().toSeconds()));
                assertThat(staleScrape.value("gemtrack_host_last_event_age_seconds", "host", TALKING)).hasValueSatisfying(age ->
                        assertThat(age).isLessThan(EXPIRY.staleAfter().toSeconds()));

                awaitWhileTalking(publisher, keepAlive, "the silent host dropped",
                        () -> api.get("/api/hosts").body().size() == 1);
                assertThat(api.get("/api/hosts").body().get(0).get("host").asText()).isEqualTo(TALKING);
                assertThat(api.get("/api/hosts/" + SILENT).status()).isEqualTo(404);
                Exposition dropped = Exposition.scrape(metrics);
                assertThat(dropped.samples()).as("series of the dropped host")
                        .noneMatch(sample -> SILENT.equals(sample.labels().get("host")));
                assertThat(dropped.value("gemtrack_host_gem_objects", "host", TALKING)).hasValue(1.0);
                assertThat(dropped.value("gemtrack_hosts")).hasValue(1.0);
            }
        }

        List<ConsumerRecord<byte[], byte[]>> checkpoints = TopicRecords.readAll(kafka.clientConfig(), Topics.checkpointsOf(topic));
        List<ConsumerRecord<byte[], byte[]>> ofSilent = checkpoints.stream()
                .filter(record -> new String(record.key(), StandardCharsets.UTF_8).equals(SILENT)).toList();
        assertThat(ofSilent).as("checkpoint records of %s", SILENT).isNotEmpty();
        assertThat(ofSilent.get(ofSilent.size() - 1).value()).as("its last checkpoint record: a tombstone").isNull();

        // The successor keeps hosts for the default hour: a host it restored would still be there.
        try (Aggregator successor = new Aggregator(config.withHostExpiry(HostActivity.Expiry.DEFAULT))) {
            ApiClient api = new ApiClient(successor.httpPort());
            JsonNode hosts = api.await("/api/hosts", restored -> restored.size() > 0);
            assertThat(hosts.findValuesAsText("host")).as("hosts the successor restored").containsExactly(TALKING);
        }
    }

    /** Polls {@code done} every keep-alive interval, each time after an event of the talking host, for at most a minute. */
    private static void awaitWhileTalking(EventPublisher publisher, EventStamper keepAlive, String expectation,
                                          BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() - deadline < 0) {
            publisher.publish(keepAlive.stamp((keepAlive.nextSeq() + 1) * 1_000_000,
                    new MmCounters(100, 16L << 20, 32L << 20, 0, 0, 1L << 20, 0)));
            publisher.flushExpectingNoFailure();
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(KEEP_ALIVE.toMillis());
        }
        throw new AssertionError("expected " + expectation + " within 60 s");
    }

    private static JsonNode host(JsonNode hosts, String name) {
        for (JsonNode host : hosts) {
            if (host.get("host").asText().equals(name)) {
                return host;
            }
        }
        throw new AssertionError("no host " + name + " in " + hosts);
    }
}
