package io.gemtrack.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

    static List<MalformedRecords.FieldAtItsLimit> fieldsAtTheirLimits() {
        return MalformedRecords.fieldsAtTheirLimits();
    }

    /** At its limit a field decodes, and the event reads back the same after encoding. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsAtTheirLimits")
    void aFieldAtItsLimitDecodes(MalformedRecords.FieldAtItsLimit field) throws MalformedEventException {
        Event event = codec.decode(field.accepted().getBytes(StandardCharsets.UTF_8));

        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsAtTheirLimits")
    void aFieldPastItsLimitIsRejectedNamingTheFieldAndTheLimit(MalformedRecords.FieldAtItsLimit field) {
        MalformedEventException error = catchThrowableOfType(MalformedEventException.class,
                () -> codec.decode(field.rejected().getBytes(StandardCharsets.UTF_8)));

        assertThat(error).as("decoding %s", field).isNotNull();
        assertThat(error.kind()).isEqualTo(field.kind());
        assertThat(error.field()).satisfiesAnyOf(name -> assertThat(name).isEqualTo(field.field()),
                name -> assertThat(name).endsWith("." + field.field()));
        assertThat(error.getMessage()).startsWith(field.kind().name() + ": field '" + error.field() + "' ")
                .contains(field.reason()).doesNotContain("\n");
    }

    /** Guards the limits table: the records it sets limits in are valid, and there is one of every event type. */
    @Test
    void theLimitsTableHasAValidRecordOfEveryType() throws MalformedEventException {
        Map<String, String> records = MalformedRecords.validRecords();
        assertThat(records.keySet()).containsExactlyInAnyOrderElementsOf(EventBody.TYPES.stream().map(EventBody::typeName).toList());
        for (Map.Entry<String, String> record : records.entrySet()) {
            assertThat(codec.decode(record.getValue().getBytes(StandardCharsets.UTF_8)).type()).isEqualTo(record.getKey());
        }
        assertThat(MalformedRecords.fieldsAtTheirLimits()).extracting(MalformedRecords.FieldAtItsLimit::description)
                .doesNotHaveDuplicates()
                .anyMatch(description -> description.startsWith("HostSnapshot processes[0].threads[0]"))
                .anyMatch(description -> description.startsWith("GemCreate host"));
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
