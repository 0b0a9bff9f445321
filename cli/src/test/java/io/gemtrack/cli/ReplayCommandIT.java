package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * {@code gemtrack replay} against a real broker with no aggregator: a host as of now, and as of before its first event;
 * and folded from a checkpoint of the history topic it is named.
 */
@ExtendWith(KafkaExtension.class)
class ReplayCommandIT {

    private static final String TOPIC = "replay-it.events";

    @Test
    void printsAHostAsOfAnInstantFoldedFromTheTopic(TestKafka kafka) throws Exception {
        HostSimulation host = new HostSimulation("replayed", 3, Scenarios.parse("leak"), false, 500);
        List<Event> events = new ArrayList<>();
        while (host.events() < 2_000) {
            events.addAll(host.step());
        }
        long kills = events.stream().filter(event -> event.body() instanceof OomKill).count();
        long publishedBefore = System.currentTimeMillis() - 1;
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), TOPIC, TopicLayout.partitions(2))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }

        JsonNode now = new ObjectMapper().readTree(run(0, kafka, "--at", Long.toString(System.currentTimeMillis() + 1_000), "--json"));
        assertThat(now.get("state").get("lastSeq").asLong()).isEqualTo(events.get(events.size() - 1).seq());
        assertThat(now.get("eventsFolded").asLong()).isEqualTo(events.size());
        assertThat(now.get("oomKills").size()).isEqualTo((int) Math.min(kills, 32));
        assertThat(now.get("olderThanRetained").asBoolean()).isFalse();
        assertThat(kills).as("OOM kills of the leak").isPositive();
        JsonNode lastKill = now.get("oomKills").get(0);
        assertThat(lastKill.get("cgroup").asText()).startsWith("/");
        assertThat(run(0, kafka, "--at", Long.toString(System.currentTimeMillis() + 1_000))).as("the kills named with their cgroups")
                .contains("killed pid " + lastKill.get("pid").asInt() + " " + lastKill.get("comm").asText() + " in "
                        + lastKill.get("cgroup").asText() + ", freed " + lastKill.get("freedBytes").asLong() + " bytes");

        String before = run(0, kafka, "--at", Instant.ofEpochMilli(publishedBefore - 60_000).toString(), "--policy", "rfc");
        assertThat(before).contains("replayed as of", "older than the oldest retained event", "OOM kills before then: 0");

        assertThat(run(2, kafka, "--at", "soon")).isEmpty();
    }

    @Test
    void foldsFromTheCheckpointOfTheHistoryTopicItIsGiven(TestKafka kafka) throws Exception {
        String topic = "replay-it.history.events";
        String history = "replay-it.some.history";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        HostSimulation host = new HostSimulation("replayed", 5, Scenarios.parse("leak"), false, 500);
        List<Event> events = new ArrayList<>();
        while (host.events() < 1_000) {
            events.addAll(host.step());
        }
        try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(2))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
        long at = System.currentTimeMillis() + 1_000;
        try (Admin admin = Admin.create(settings.admin());
             HostReplay replay = new HostReplay(settings, topic, List.of());
             CheckpointStore store = new CheckpointStore(settings, history)) {
            Topics.ensure(admin, Topics.checkpointHistory(history, 2, TopicLayout.BROKER_DEFAULTS, CheckpointStore.MAX_CHECKPOINT_BYTES, -1));
            HostReplay.Result result = replay.replay("replayed", at);
            assertThat(store.writeRound(replay.partitionOf("replayed").partition(), List.of(new CheckpointStore.Entry(
                    result.model().checkpoint(), Optional.empty())), result.throughOffset()).complete()).isTrue();
        }

        JsonNode answer = new ObjectMapper().readTree(runOn(topic, 0, kafka, "--checkpoint-history-topic", history,
                "--at", Long.toString(at), "--json"));
        assertThat(answer.get("foldStart").get("from").asText()).isEqualTo("checkpoint");
        assertThat(answer.get("foldStart").get("checkpointTopic").asText()).isEqualTo(history);
        assertThat(answer.get("eventsFolded").asLong()).isZero();
        assertThat(answer.get("state").get("lastSeq").asLong()).isEqualTo(events.get(events.size() - 1).seq());
        assertThat(runOn(topic, 0, kafka, "--checkpoint-history-topic", history, "--at", Long.toString(at)))
                .contains("from the checkpoint in " + history);
    }

    private static String run(int expectedStatus, TestKafka kafka, String... args) {
        return runOn(TOPIC, expectedStatus, kafka, args);
    }

    private static String runOn(String topic, int expectedStatus, TestKafka kafka, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new ReplayCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", kafka.bootstrapServers(), "--topic", topic, "--host", "replayed"));
        all.addAll(List.of(args));
        assertThat(commandLine.execute(all.toArray(String[]::new))).as(err.toString()).isEqualTo(expectedStatus);
        if (expectedStatus == 2) {
            assertThat(err.toString()).contains("--at:", "RFC 3339");
        }
        return out.toString();
    }
}
