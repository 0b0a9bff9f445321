package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostModel;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Time travel through a real broker: for random instants of a recorded stream, a host as of the instant (by
 * {@link HostReplay} and by the API's {@code ?at=}) equals a from-scratch fold of exactly the host's events whose
 * records come before the first record stamped at or after it, and the live models are the same afterwards; also when
 * the fold starts from a checkpoint of the history the aggregator writes, and after retention deleted the events the
 * checkpoint covers.
 */
@ExtendWith(KafkaExtension.class)
class HostReplayIT {

    private static final String TOPIC = "host-replay-it.events";
    private static final int PARTITIONS = 2;
    private static final CheckpointCodec CODEC = new CheckpointCodec();
    private static final Duration HISTORY_INTERVAL = Duration.ofMillis(400);

    @Test
    void aHostAsOfAnInstantIsTheFoldOfItsEventsBeforeItAndTheLiveModelStaysAsItWas(TestKafka kafka) throws Exception {
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        RecordedStream stream = RecordedStream.record(settings, TOPIC, PARTITIONS,
                new FleetSimulation(3, 11, Scenarios.parse("leak"), false, 300), 4_500);
        List<Event> events = stream.events();
        List<RecordedStream.Stored> stored = stream.stored();

        try (Aggregator aggregator = new Aggregator(new Aggregator.Config(settings, "host-replay-it", TOPIC, TOPIC + ".dlq",
                "127.0.0.1", 0));
             HostReplay replay = new HostReplay(settings, TOPIC)) {
            ApiClient api = new ApiClient(aggregator.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == 3 && caughtUp(hosts, events));
            Map<String, String> live = new HashMap<>();
            for (int host = 0; host < 3; host++) {
                live.put(FleetSimulation.hostName(host), api.text("/api/hosts/" + FleetSimulation.hostName(host) + "/checkpoint"));
            }
            long first = stream.firstTimestamp();
            long last = stream.lastTimestamp();
            Random random = new Random(5);
            int withKills = 0;
            for (int question = 0; question < 12; question++) {
                String host = FleetSimulation.hostName(random.nextInt(3));
                long at = first + (long) (random.nextDouble() * (last - first + 1));
                HostModel expected = stream.foldBefore(host, at);
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
            assertThat(api.get("/api/hosts/host-0/history?at=" + last).status()).isEqualTo(400);
            assertThat(api.get("/api/hosts/no-such-host?at=" + last).status()).isEqualTo(404);

            live.forEach((host, checkpoint) -> assertThat(api.text("/api/hosts/" + host + "/checkpoint"))
                    .as("the live model of %s after the questions", host).isEqualTo(checkpoint));
        }
    }

    @Test
    void answersFoldedFromAHistoryCheckpointEqualTheFoldOfEveryEventBeforeTheInstantEvenAfterRetentionDeletedThem(TestKafka kafka)
            throws Exception {
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        String topic = "host-replay-history-it.events";
        String history = Topics.checkpointHistoryOf(topic);
        FleetSimulation fleet = new FleetSimulation(3, 13, Scenarios.parse("leak"), false, 300);
        List<Event> events = new ArrayList<>();
        while (events.size() < 4_500) {
            events.addAll(fleet.step());
        }
        try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(PARTITIONS))) {
            publisher.publish(events.get(0));
            publisher.flushExpectingNoFailure();
        }
        Aggregator.Config config = new Aggregator.Config(settings, "host-replay-history-it", topic, topic + ".dlq", "127.0.0.1", 0,
                AggregatorMetrics.DEFAULT_TOP_PROCESSES, Duration.ofMillis(100)).withCheckpointHistoryInterval(HISTORY_INTERVAL);
        try (Aggregator aggregator = new Aggregator(config);
             // The history alone: the live checkpoints, written more often, would be the better start for most instants.
             HostReplay replay = new HostReplay(settings, topic, List.of(history));
             Admin admin = Admin.create(settings.admin())) {
            Map<String, String> configs = topicConfigs(admin, history);
            assertThat(configs).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)
                    .containsEntry(TopicConfig.RETENTION_MS_CONFIG, topicConfigs(admin, topic).get(TopicConfig.RETENTION_MS_CONFIG));
            assertThat(Topics.partitions(admin, history)).isEqualTo(PARTITIONS);
            // While the aggregator consumes, so the history holds rounds from all through the stream.
            long streamStart = System.currentTimeMillis();
            try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(PARTITIONS))) {
                for (int from = 1; from < events.size(); from += 30) {
                    events.subList(from, Math.min(events.size(), from + 30)).forEach(publisher::publish);
                    publisher.flushExpectingNoFailure();
                    Thread.sleep(20);
                }
            }
            ApiClient api = new ApiClient(aggregator.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == 3 && caughtUp(hosts, events));
            Map<String, String> live = new HashMap<>();
            for (int host = 0; host < 3; host++) {
                live.put(FleetSimulation.hostName(host), api.text("/api/hosts/" + FleetSimulation.hostName(host) + "/checkpoint"));
            }
            RecordedStream stream = RecordedStream.published(settings, topic, PARTITIONS, events);
            List<RecordedStream.Stored> stored = stream.stored();
            List<Checkpoint> checkpoints = checkpoints(settings, history);

            for (int partition = 0; partition < PARTITIONS; partition++) {
                int of = partition;
                List<Long> rounds = checkpoints.stream().filter(written -> written.partition() == of && written.key().isEmpty())
                        .map(Checkpoint::timestamp).toList();
                assertThat(rounds).as("history rounds of partition %d", partition).hasSizeGreaterThanOrEqualTo(3);
                for (int round = 1; round < rounds.size(); round++) {
                    assertThat(rounds.get(round) - rounds.get(round - 1)).as("time between history rounds")
                            .isGreaterThanOrEqualTo(HISTORY_INTERVAL.toMillis() - 50);
                }
            }

            long last = stored.stream().mapToLong(RecordedStream.Stored::timestamp).max().orElseThrow();
            List<Long> instants = new ArrayList<>();
            Random random = new Random(7);
            for (int question = 0; question < 10; question++) {
                instants.add(streamStart + (long) (random.nextDouble() * (last - streamStart + 1)));
            }
            // Between two rounds of the history: the earlier is the start, and the events after it are folded.
            List<Long> rounds = checkpoints.stream().filter(written -> written.key().isEmpty()).map(Checkpoint::timestamp).sorted().toList();
            instants.add((rounds.get(1) + rounds.get(2)) / 2);
            int fromHistory = 0;
            for (long at : instants) {
                String host = FleetSimulation.hostName(random.nextInt(3));
                HostReplay.Result result = replay.replay(host, at);
                assertEqualsFold(result, stream, host, at);
                Checkpoint start = expectedStart(checkpoints, stored, host, result.throughOffset(), at);
                JsonNode answer = api.get("/api/hosts/" + host + "?at=" + at).body();
                assertThat(answer.get("state").get("lastSeq").asLong()).as("API: %s as of %d", host, at).isEqualTo(result.model().lastSeq());
                assertThat(answer.get("state").get("gemBytes").asLong()).isEqualTo(result.model().gemBytes());
                if (start != null) {
                    assertThat(result.start().fromCheckpoint()).as("%s as of %d starts from a checkpoint", host, at).isTrue();
                    assertThat(result.start().checkpointTopic()).hasValue(history);
                    assertThat(result.start().offset()).isGreaterThanOrEqualTo(start.covered());
                    assertThat(result.recordsRead()).isEqualTo(result.throughOffset() - result.start().offset());
                    assertThat(answer.get("foldStart").get("from").asText()).isEqualTo("checkpoint");
                    assertThat(answer.get("foldStart").get("offset").asLong()).isGreaterThanOrEqualTo(result.start().offset());
                    fromHistory++;
                }
            }
            assertThat(fromHistory).as("answers folded from a history checkpoint").isGreaterThanOrEqualTo(5);

            // Retention deletes the events before a history checkpoint of host-0: it is folded from the checkpoint.
            String host = FleetSimulation.hostName(0);
            int partition = replay.partitionOf(host).partition();
            Checkpoint kept = checkpoints.stream().filter(written -> written.partition() == partition && written.key().equals(host))
                    .toList().get(1);
            TopicPartition events0 = new TopicPartition(topic, partition);
            admin.deleteRecords(Map.of(events0, RecordsToDelete.beforeOffset(kept.covered()))).all().get();
            long at = stored.stream().filter(record -> record.partition() == partition && record.offset() >= kept.covered())
                    .mapToLong(RecordedStream.Stored::timestamp).min().orElseThrow() + 1;
            HostReplay.Result result = replay.replay(host, at);
            assertThat(result.logStartOffset()).isEqualTo(kept.covered());
            assertThat(result.start().fromCheckpoint()).as("%s as of %d after retention", host, at).isTrue();
            assertEqualsFold(result, stream, host, at);
            JsonNode answer = api.get("/api/hosts/" + host + "?at=" + at).body();
            assertThat(answer.get("note").asText()).contains("retention deleted the records before offset " + kept.covered())
                    .contains("which the checkpoint covers");

            live.forEach((name, checkpoint) -> assertThat(api.text("/api/hosts/" + name + "/checkpoint"))
                    .as("the live model of %s after the questions", name).isEqualTo(checkpoint));
        }
    }

    private static void assertEqualsFold(HostReplay.Result result, RecordedStream stream, String host, long at) {
        HostModel expected = stream.foldBefore(host, at);
        assertThat(new String(CODEC.encode(result.model().checkpoint()), StandardCharsets.UTF_8)).as("%s as of %d from %s", host, at,
                result.start()).isEqualTo(new String(CODEC.encode(expected.checkpoint()), StandardCharsets.UTF_8));
    }

    /** A checkpoint record as the history holds it: a host's, or with an empty key a round's marker. */
    private record Checkpoint(int partition, String key, long covered, long timestamp) {
    }

    /** The history checkpoint of {@code host} a fold as of {@code at} can start from, written before it; null if none. */
    private static Checkpoint expectedStart(List<Checkpoint> checkpoints, List<RecordedStream.Stored> stored, String host, long through,
                                            long at) {
        int partition = stored.stream().filter(record -> record.key().equals(host)).findFirst().orElseThrow().partition();
        return checkpoints.stream().filter(written -> written.partition() == partition && written.key().equals(host)
                && written.covered() <= through && written.timestamp() < at).reduce((older, newer) -> newer).orElse(null);
    }

    private static List<Checkpoint> checkpoints(KafkaSettings settings, String topic) {
        Map<String, Object> config = settings.consumer(Map.of());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.headers().lastHeader("gemtrack.checkpoint.quarantine")).isNull();
                    checkpoints.add(new Checkpoint(record.partition(), new String(record.key(), StandardCharsets.UTF_8),
                            ByteBuffer.wrap(record.headers().lastHeader("gemtrack.checkpoint.source.offset").value()).getLong(),
                            record.timestamp()));
                }
            }
        }
        return checkpoints;
    }

    private static Map<String, String> topicConfigs(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<String, String> configs = new HashMap<>();
        admin.describeConfigs(List.of(resource)).all().get().get(resource).entries().forEach(entry -> configs.put(entry.name(), entry.value()));
        return configs;
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
