package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostModel;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.FleetSimulation;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
