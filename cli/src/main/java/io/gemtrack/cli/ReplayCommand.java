package io.gemtrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gemtrack.aggregator.http.AsOfAnswers;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.kafka.Topics;
import io.gemtrack.policy.Policy;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gemtrack replay}: one host as it was at an instant, folded from its newest fitting checkpoint and the events
 * topic in this process, with no
 * aggregator running: the same answer as {@code GET /api/hosts/HOST?at=TIME}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Fold one host's events from Kafka up to an instant and print the host as it was then.")
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Events topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--checkpoints-topic", paramLabel = "TOPIC",
            description = "The aggregators' live checkpoints, whose latest may start the fold. Default: the events topic's name"
                    + " followed by .checkpoints.")
    String checkpointsTopic;

    @Option(names = "--checkpoint-history-topic", paramLabel = "TOPIC",
            description = "The aggregators' checkpoint history, whose newest checkpoint before the instant may start the fold."
                    + " Default: the events topic's name followed by .checkpoints.history.")
    String checkpointHistoryTopic;

    @Option(names = "--host", required = true, description = "The host, as its events name it.")
    String host;

    @Option(names = "--at", required = true, paramLabel = "TIME",
            description = "The instant: RFC 3339 (2026-12-02T03:12:00Z) or milliseconds since the epoch. The events whose"
                    + " records Kafka stamped before it are folded.")
    String at;

    @Option(names = "--policy", paramLabel = "POLICY",
            description = "Show the OOM ranking under this policy (rss, rfc, resident, proportional, holder, freeable)."
                    + " Default: every policy's victim side by side.")
    String policy;

    @Option(names = "--json", description = "Print the answer as the API's JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    private final JsonMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @Override
    public Integer call() throws Exception {
        long atMillis;
        try {
            atMillis = AsOfAnswers.parseInstant(at);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--at: " + e.getMessage());
        }
        Optional<Policy> chosen = policy == null ? Optional.empty() : Optional.of(Policy.named(policy).orElseThrow(() ->
                new ParameterException(spec.commandLine(), "--policy: unknown policy '" + policy + "'; choose from " + Policy.names())));
        AsOfAnswers.AsOf answer;
        kafka.requireReachable();
        List<String> checkpoints = List.of(checkpointHistoryTopic != null ? checkpointHistoryTopic : Topics.checkpointHistoryOf(topic),
                checkpointsTopic != null ? checkpointsTopic : Topics.checkpointsOf(topic));
        try (HostReplay replay = new HostReplay(kafka.settings(), topic, checkpoints)) {
            answer = AsOfAnswers.of(replay.replay(host, atMillis), chosen);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(mapper.writeValueAsString(answer));
        } else {
            print(out, mapper.valueToTree(answer));
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, JsonNode answer) {
        JsonNode state = answer.get("state");
        out.printf("%s as of %s (%d ms since the epoch)%n", answer.get("host").asText(), answer.get("at").asText(),
                answer.get("atEpochMillis").asLong());
        JsonNode start = answer.get("foldStart");
        out.printf("%s; %d of its events folded from %d records, offsets %d to %d, from %s%n", answer.get("note").asText(),
                answer.get("eventsFolded").asLong(), answer.get("recordsRead").asLong(), start.get("offset").asLong(),
                answer.get("throughOffset").asLong(), start.get("from").asText().equals("checkpoint")
                        ? "the checkpoint in " + start.get("checkpointTopic").asText() + " written at " + start.get("checkpointAt").asText()
                        : "the log's start");
        out.printf("boot %s, last seq %d, %s%n", state.get("bootId").asText(), state.get("lastSeq").asLong(),
                state.get("synchronised").asBoolean() ? "synchronised" : "unsynchronised (waiting for a snapshot)");
        out.printf("GEM objects %d, GEM bytes %d, resident %d, orphaned %d%n", state.get("gemObjects").asLong(),
                state.get("gemBytes").asLong(), state.get("residentBytes").asLong(), state.get("orphanedBytes").asLong());
        out.printf("%-13s %20s %20s%n", "policy", "charged", "unaccounted");
        state.get("charged").fields().forEachRemaining(charged -> out.printf("%-13s %20d %20d%n", charged.getKey(),
                charged.getValue().asLong(), state.get("unaccounted").get(charged.getKey()).asLong()));
        JsonNode oom = answer.get("oom");
        if (oom.has("candidates")) {
            out.printf("OOM ranking under %s:%n", oom.get("policy").asText());
            oom.get("candidates").forEach(candidate -> out.printf("  pid %d %s: %d points, a kill frees %d bytes%n",
                    candidate.get("pid").asInt(), candidate.get("comm").asText(), candidate.get("points").asLong(),
                    candidate.get("freedBytes").asLong()));
        } else {
            out.println("OOM: " + oom);
        }
        JsonNode kills = answer.get("oomKills");
        out.printf("OOM kills before then: %d%n", kills.size());
        kills.forEach(kill -> out.printf("  seq %d: killed pid %d %s in %s, freed %d bytes, left %d alive in others; best victim %s%n",
                kill.get("seq").asLong(), kill.get("pid").asInt(), kill.get("comm").asText(),
                kill.get("cgroup").isNull() ? "a cgroup not recorded" : kill.get("cgroup").asText(), kill.get("freedBytes").asLong(),
                kill.get("bytesLeftAlive").asLong(), kill.get("best").isNull() ? "none" : kill.get("best").get("pid").asText()));
    }
}
