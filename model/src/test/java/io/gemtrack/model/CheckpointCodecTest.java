package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gemtrack.oom.OomPostMortems;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint JSON carries its format first; a reader reads the formats it knows and refuses every other. */
class CheckpointCodecTest {

    private static final CheckpointCodec CODEC = new CheckpointCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void checkpointStartsWithItsFormatAndReadsBackAsTheSameCheckpoint() throws Exception {
        HostCheckpoint checkpoint = busyHost().checkpoint();

        byte[] encoded = CODEC.encode(checkpoint);
        HostCheckpoint decoded = CODEC.decode(encoded);

        assertThat(text(encoded)).startsWith("{\"format\":4,\"host\":\"codec-host\",");
        assertThat(decoded).isEqualTo(checkpoint);
        assertThat(CODEC.encode(decoded)).isEqualTo(encoded);
        assertThat(CODEC.encode(HostModel.restore(decoded).checkpoint())).isEqualTo(encoded);
    }

    @Test
    void unknownFormatIsAnErrorNamingItAndTheFormatsThisReaderReads() {
        String encoded = text(CODEC.encode(busyHost().checkpoint()));
        // A later format may lay out everything after "format" differently; the reader must not get that far.
        byte[] later = encoded.replaceFirst("^\\{\"format\":4,\"host\":", "{\"format\":5,\"hostName\":").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CODEC.decode(later))
                .isInstanceOfSatisfying(UnknownCheckpointFormatException.class, unknown -> {
                    assertThat(unknown.format()).isEqualTo(5);
                    assertThat(unknown.readableFormats()).containsExactly(3, CheckpointCodec.FORMAT);
                })
                .hasMessage("checkpoint format 5 is unknown; this reader reads format [3, 4]");
    }

    @Test
    void checkpointThatDoesNotStartWithAnIntegerFormatIsNotRead() {
        String encoded = text(CODEC.encode(new HostModel("codec-host").checkpoint()));
        String withoutFormat = encoded.replaceFirst("^\\{\"format\":4,", "{");
        String formatLater = withoutFormat.replaceFirst("}$", ",\"format\":4}");
        String textFormat = encoded.replaceFirst("^\\{\"format\":4,", "{\"format\":\"4\",");

        for (String notReadable : List.of(withoutFormat, formatLater, textFormat, "{\"format\":4}", "[4]", "")) {
            assertThatThrownBy(() -> CODEC.decode(notReadable.getBytes(StandardCharsets.UTF_8))).as(notReadable)
                    .isInstanceOf(IOException.class).isNotInstanceOf(UnknownCheckpointFormatException.class)
                    .hasMessageContaining("format");
        }
    }

    /** Format 3 is format 4 without the cgroups of a post-mortem: read, with those unknown. */
    @Test
    void formatThreeIsReadWithTheCgroupsOfItsPostMortemsUnknown() throws Exception {
        HostSimulation simulation = new HostSimulation("codec-host", 3, Scenarios.parse("leak"), false, 400);
        HostModel model = new HostModel(simulation.host());
        for (int step = 0; step < 20_000 && model.oomKills().size() < 2; step++) {
            simulation.step().forEach(event -> OomPostMortems.apply(model, event, 1_000 + event.seq()));
        }
        HostCheckpoint checkpoint = model.checkpoint();
        assertThat(checkpoint.oomKills()).as("OOM kills to keep").hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(kill -> assertThat(kill.cgroup()).isNotNull());
        ObjectNode formatThree = (ObjectNode) JSON.readTree(CODEC.encode(checkpoint));
        formatThree.put("format", 3);
        for (JsonNode kill : formatThree.get("oomKills")) {
            ((ObjectNode) kill).remove("cgroup");
            if (kill.get("best").isObject()) {
                ((ObjectNode) kill.get("best")).remove("cgroup");
            }
            kill.get("policies").forEach(choice -> {
                if (choice.get("victim").isObject()) {
                    ((ObjectNode) choice.get("victim")).remove("cgroup");
                }
            });
        }
        assertThat(formatThree.get("oomKills").toString()).doesNotContain("\"cgroup\":");

        HostCheckpoint decoded = CODEC.decode(JSON.writeValueAsBytes(formatThree));

        assertThat(decoded.oomKills()).hasSameSizeAs(checkpoint.oomKills()).allSatisfy(kill -> {
            assertThat(kill.cgroup()).isNull();
            assertThat(kill.best() == null || kill.best().cgroup() == null).isTrue();
            assertThat(kill.policies()).allSatisfy(choice -> assertThat(choice.victim() == null || choice.victim().cgroup() == null).isTrue());
        });
        assertThat(CODEC.encode(decoded)).as("the rest as written").isEqualTo(CODEC.encode(new HostCheckpoint(checkpoint.host(),
                checkpoint.bootId(), checkpoint.nextSeq(), checkpoint.synchronised(), checkpoint.sequenceGaps(), checkpoint.skippedEvents(),
                checkpoint.counterMismatches(), checkpoint.memoryKnown(), checkpoint.counterMismatchPids(), checkpoint.state(),
                decoded.oomKills(), checkpoint.oomKillTotals())));
        assertThat(decoded.oomKills()).extracting(OomPostMortem::seq, OomPostMortem::freedBytes)
                .containsExactlyElementsOf(checkpoint.oomKills().stream().map(kill -> tuple(kill.seq(), kill.freedBytes())).toList());
    }

    private static HostModel busyHost() {
        HostSimulation simulation = new HostSimulation("codec-host", 5, Scenarios.parse(Scenarios.MIXED), true, 400);
        HostModel model = new HostModel(simulation.host());
        for (int step = 0; step < 500; step++) {
            simulation.step().forEach(model::apply);
        }
        return model;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
