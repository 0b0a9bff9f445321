package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomPostMortems;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Time travel through a real broker: for random instants of a recorded stream, a host as of the instant (by
 * {@link HostReplay} and by the API's {@code ?at=}) equals a from-scratch fold of exactly the host's events whose
 * records come before the first record stamped at or after it, and the live models are the same afterwards.
 */
@ExtendWith(KafkaExtension.class)
class HostReplayIT {

    private static final String TOPIC = "host-replay-it.events";
    private static final int PARTITIONS = 2;
    private static final CheckpointCodec CODEC = new CheckpointCodec();

    /** A record as the broker keeps it. */
    private record Stored(int partition, long offset, long timestamp, String key, Event event) {
    }

    @Test
    void aHostAsOfAnInstantIsTheFoldOfItsEventsBeforeItAndTheLiveModelStaysAsItWas(TestKafka kafka) throws Exception {
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        FleetSimulation fleet = new FleetSimulation(3, 11, Scenarios.parse("leak"), false, 300);
        List<Event> events = new ArrayList<>();
        while (events.size() < 4_500) {
            events.addAll(fleet.step());
        }
        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(PARTITIONS))) {
            // In chunks a few milliseconds apart, so the records' timestamps tell many instants apart.
            for (int from = 0; from < events.size(); from += 50) {
                events.subList(from, Math.min(events.size(), from + 50)).forEach(publisher::publish);
                publisher.flushExpectingNoFailure();
                Thread.sleep(5);
            }
        }
        List<Stored> stored = readBack(settings, events.size());

        try (Aggregator aggregator = new Aggregator(new Aggregator.Config(settings, "host-replay-it", TOPIC, TOPIC + ".dlq",
                "127.0.0.1", 0));
             HostReplay replay = new HostReplay(settings, TOPIC)) {
            ApiClient api = new ApiClient(aggregator.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == 3 && caughtUp(hosts, events));
            Map<String, String> live = new HashMap<>();
            for (int host = 0; host < 3; host++) {
                live.put(FleetSimulation.hostName(host), api.text("/api/hosts/" + FleetSimulation.hostName(host) + "/checkpoint"));
            }
            long first = stored.stream().mapToLong(Stored::timestamp).min().orElseThrow();
            long last = stored.stream().mapToLong(Stored::timestamp).max().orElseThrow();
            Random random = new Random(5);
            int withKills = 0;
            for (int question = 0; question < 12; question++) {
                String host = FleetSimulation.hostName(random.nextInt(3));
                long at = first + (long) (random.nextDouble() * (last - first + 1));
                HostModel expected = foldBefore(stored, host, at);
                HostReplay.Result result = replay.replay(host, at);
                assertThat(new String(CODEC.encode(result.model().checkpoint()), StandardCharsets.UTF_8)).as("%s as of %d", host, at)
                        .isEqualTo(new String(CODEC.encode(expected.checkpoint()), StandardCharsets.UTF_8));
                int partition = replay.partitionOf(host).partition();
                long oldest = stored.stream().filter(record -> record.partition() == partition).findFirst().orElseThrow().timestamp();
                assertThat(result.oldestRetainedMillis()).hasValue(oldest);
                assertThat(result.olderThanRetained()).isEqualTo(at < oldest);

                JsonNode answer = api.get("/api/hosts/" + host + "?at=" + at).body();
                assertThat(answer.get("state").get("lastSeq").asLong()).as("API: %s as of %d", host, at).isEqualTo(expected.lastSeq());
                assertThat(answer.get("state").get("gemBytes").asLong()).isEqualTo(expected.gemBytes());
                assertThat(answer.get("oomKills").size()).isEqualTo(expected.oomKills().size());
                withKills += expected.oomKills().isEmpty() ? 0 : 1;
                String rfc = Instant.ofEpochMilli(at).toString();
                assertThat(api.get("/api/hosts/" + host + "?at=" + rfc + "&policy=rfc").body().get("state").get("lastSeq").asLong())
                        .as("the same instant in RFC 3339").isEqualTo(expected.lastSeq());
            }
            assertThat(withKills).as("instants after OOM kills").isPositive();

            JsonNode before = api.get("/api/hosts/host-0?at=" + (first - 60_000)).body();
            assertThat(before.get("olderThanRetained").asBoolean()).isTrue();
            assertThat(before.get("eventsFolded").asLong()).isZero();
            assertThat(before.get("note").asText()).contains("older than the oldest retained event");
            assertThat(api.get("/api/hosts/host-0?at=yesterday").status()).isEqualTo(400);
            assertThat(api.get("/api/hosts/host-0/processes?policy=rfc&at=" + last).status()).isEqualTo(400);
            assertThat(api.get("/api/hosts/no-such-host?at=" + last).status()).isEqualTo(404);

            live.forEach((host, checkpoint) -> assertThat(api.text("/api/hosts/" + host + "/checkpoint"))
                    .as("the live model of %s after the questions", host).isEqualTo(checkpoint));
        }
    }

    /** The from-scratch fold: the host's events in the records before the first one of its partition stamped at or after {@code at}. */
    private static HostModel foldBefore(List<Stored> stored, String host, long at) {
        int partition = stored.stream().filter(record -> record.key().equals(host)).findFirst().orElseThrow().partition();
        long through = stored.stream().filter(record -> record.partition() == partition && record.timestamp() >= at)
                .mapToLong(Stored::offset).min().orElse(Long.MAX_VALUE);
        HostModel model = new HostModel(host);
        stored.stream().filter(record -> record.partition() == partition && record.offset() < through && record.key().equals(host))
                .forEach(record -> OomPostMortems.apply(model, record.event(), record.timestamp()));
        return model;
    }

    private static List<Stored> readBack(KafkaSettings settings, int count) throws Exception {
        Map<String, Object> config = settings.consumer(Map.of());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        EventCodec codec = new EventCodec();
        List<Stored> stored = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (stored.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    stored.add(new Stored(record.partition(), record.offset(), record.timestamp(),
                            new String(record.key(), StandardCharsets.UTF_8), codec.decode(record.value())));
                }
            }
        }
        assertThat(stored).hasSize(count);
        return stored;
    }

    private static boolean caughtUp(JsonNode hosts, List<Event> events) {
        for (JsonNode host : hosts) {
            long last = events.stream().filter(event -> event.host().equals(host.get("host").asText())).mapToLong(Event::seq).max()
                    .orElseThrow();
            if (host.get("lastSeq").asLong() != last) {
                return false;
            }
        }
        return true;
    }
}
