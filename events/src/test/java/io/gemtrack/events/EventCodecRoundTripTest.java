package io.gemtrack.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class EventCodecRoundTripTest {

    private final EventCodec codec = new EventCodec();

    @Example
    void everyEventTypeHasAGenerator() {
        assertThat(EventArbitraries.byType().keySet()).containsExactlyInAnyOrderElementsOf(EventBody.TYPES);
    }

    @Property(tries = 2000)
    void everyEventSurvivesEncodeThenDecode(@ForAll("events") Event event) throws MalformedEventException {
        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }

    @Property(tries = 2000)
    void encodingIsAFlatObjectWithTheEnvelopeFirst(@ForAll("events") Event event) {
        String json = codec.encodeToString(event);
        assertThat(json).startsWith("{\"schema\":2,\"type\":\"" + event.type() + "\",\"host\":");
    }

    /**
     * Whatever bytes arrive, decoding either yields an event or throws the typed error: never a Jackson or
     * runtime exception from inside the codec. The bytes are valid encodings with a few bytes overwritten,
     * which reaches far deeper into the codec than random noise does.
     */
    @Property(tries = 3000)
    void corruptedBytesGiveATypedErrorOrAnEvent(@ForAll("events") Event event,
                                                @ForAll("corruptions") int[] positionsAndBytes) {
        byte[] bytes = codec.encode(event);
        for (int i = 0; i + 1 < positionsAndBytes.length; i += 2) {
            bytes[Math.floorMod(positionsAndBytes[i], bytes.length)] = (byte) positionsAndBytes[i + 1];
        }
        try {
            codec.decode(bytes);
        } catch (MalformedEventException e) {
            assertThat(e.getMessage()).startsWith(e.kind().name() + ": ");
            assertThat(e.getMessage()).doesNotContain("com.fasterxml", "\n");
        }
    }

    /** The wire format is a contract with other producers (the collector, third parties): pin one example exactly. */
    @Example
    void wireFormatIsStable() throws MalformedEventException {
        Event create = new Event("host-1", "boot-a", 7, 1_000, new GemCreate(42, 128, "vram", 8192, 300, 9, 1));
        String json = "{\"schema\":2,\"type\":\"GemCreate\",\"host\":\"host-1\",\"bootId\":\"boot-a\",\"seq\":7,\"ts\":1000,"
                + "\"object\":42,\"minor\":128,\"region\":\"vram\",\"sizeBytes\":8192,\"creatorPid\":300,\"file\":9,\"handle\":1}";
        assertThat(codec.encodeToString(create)).isEqualTo(json);
        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(create);

        Event install = new Event("host-1", "boot-a", 8, 1_001, new FdInstall(301, 5, 9, FdOrigin.UNIX_SOCKET));
        assertThat(codec.encodeToString(install)).endsWith("\"pid\":301,\"fd\":5,\"file\":9,\"origin\":\"UNIX_SOCKET\"}");
    }

    @Provide
    Arbitrary<Event> events() {
        return EventArbitraries.anyEvent();
    }

    @Provide
    Arbitrary<int[]> corruptions() {
        return Arbitraries.integers().array(int[].class).ofMinSize(2).ofMaxSize(8);
    }
}
