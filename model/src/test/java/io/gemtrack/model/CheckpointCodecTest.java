package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint JSON carries its format first; a reader reads the formats it knows and refuses every other. */
class CheckpointCodecTest {

    private static final CheckpointCodec CODEC = new CheckpointCodec();

    @Test
    void checkpointStartsWithItsFormatAndReadsBackAsTheSameCheckpoint() throws Exception {
        HostCheckpoint checkpoint = busyHost().checkpoint();

        byte[] encoded = CODEC.encode(checkpoint);
        HostCheckpoint decoded = CODEC.decode(encoded);

        assertThat(text(encoded)).startsWith("{\"format\":3,\"host\":\"codec-host\",");
        assertThat(decoded).isEqualTo(checkpoint);
        assertThat(CODEC.encode(decoded)).isEqualTo(encoded);
        assertThat(CODEC.encode(HostModel.restore(decoded).checkpoint())).isEqualTo(encoded);
    }

    @Test
    void unknownFormatIsAnErrorNamingItAndTheFormatsThisReaderReads() {
        String encoded = text(CODEC.encode(busyHost().checkpoint()));
        // A later format may lay out everything after "format" differently; the reader must not get that far.
        byte[] later = encoded.replaceFirst("^\\{\"format\":3,\"host\":", "{\"format\":4,\"hostName\":").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> CODEC.decode(later))
                .isInstanceOfSatisfying(UnknownCheckpointFormatException.class, unknown -> {
                    assertThat(unknown.format()).isEqualTo(4);
                    assertThat(unknown.readableFormats()).containsExactly(CheckpointCodec.FORMAT);
                })
                .hasMessage("checkpoint format 4 is unknown; this reader reads format [3]");
    }

    @Test
    void checkpointThatDoesNotStartWithAnIntegerFormatIsNotRead() {
        String encoded = text(CODEC.encode(new HostModel("codec-host").checkpoint()));
        String withoutFormat = encoded.replaceFirst("^\\{\"format\":3,", "{");
        String formatLater = withoutFormat.replaceFirst("}$", ",\"format\":3}");
        String textFormat = encoded.replaceFirst("^\\{\"format\":3,", "{\"format\":\"3\",");

        for (String notReadable : List.of(withoutFormat, formatLater, textFormat, "{\"format\":3}", "[3]", "")) {
            assertThatThrownBy(() -> CODEC.decode(notReadable.getBytes(StandardCharsets.UTF_8))).as(notReadable)
                    .isInstanceOf(IOException.class).isNotInstanceOf(UnknownCheckpointFormatException.class)
                    .hasMessageContaining("format");
        }
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
