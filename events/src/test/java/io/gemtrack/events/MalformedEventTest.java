package io.gemtrack.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of bad record the aggregator may meet, and the exact error a dead letter will carry for it. */
class MalformedEventTest {

    private final EventCodec codec = new EventCodec();

    static List<MalformedRecords.Example> malformed() {
        return MalformedRecords.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRejectedWithAnErrorNamingTheFieldAndTheReason(MalformedRecords.Example example) {
        MalformedEventException error = catchThrowableOfType(MalformedEventException.class, () -> codec.decode(example.bytes()));

        assertThat(error).as("decoding %s", example).isNotNull();
        assertThat(error.kind()).isEqualTo(example.kind());
        assertThat(error.field()).isEqualTo(example.field());
        String prefix = example.field() == null ? example.kind().name() + ": " : example.kind().name() + ": field '" + example.field() + "' ";
        assertThat(error.getMessage()).startsWith(prefix).contains(example.reason()).doesNotContain("\n");
    }

    /** Guards the table for the tests that inject one record of every kind: a new kind needs an example. */
    @Test
    void theTableHasAnExampleOfEveryKind() {
        assertThat(MalformedRecords.all()).extracting(MalformedRecords.Example::kind).containsAll(List.of(MalformedEventException.Kind.values()));
    }

    /** Guards the table: each row breaks exactly one thing of a record that is otherwise fine. */
    @Test
    void theValidRecordTheTableIsBuiltFromDecodes() throws MalformedEventException {
        assertThat(codec.decode(MalformedRecords.VALID.getBytes(StandardCharsets.UTF_8)).type()).isEqualTo("GemCreate");
    }
}
