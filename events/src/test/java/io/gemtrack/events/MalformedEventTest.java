package io.gemtrack.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gemtrack.events.MalformedEventException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kind of bad record the aggregator may meet, and the exact error a dead letter will carry for it. */
class MalformedEventTest {

    private static final String ENVELOPE = "\"schema\":1,\"type\":\"GemCreate\",\"host\":\"h\",\"bootId\":\"b\",\"seq\":1,\"ts\":2";
    private static final String CREATE = "\"object\":42,\"minor\":0,\"region\":\"vram\",\"sizeBytes\":8192,\"creatorPid\":300,"
            + "\"file\":9,\"handle\":1";
    private static final String VALID = "{" + ENVELOPE + "," + CREATE + "}";

    private final EventCodec codec = new EventCodec();

    static Stream<Arguments> malformed() {
        return Stream.of(
                row("truncated JSON", VALID.substring(0, 40), Kind.NOT_JSON, null, "Unexpected end-of-input"),
                row("not JSON at all", "GemCreate 42 8192", Kind.NOT_JSON, null, "Unrecognized token 'GemCreate'"),
                row("empty record", "", Kind.NOT_AN_OBJECT, null, "expected a JSON object, got MISSING"),
                row("an array", "[1,2]", Kind.NOT_AN_OBJECT, null, "expected a JSON object, got ARRAY"),
                row("a second object after the first", VALID + " {}", Kind.NOT_JSON, null, "has more data after the JSON object"),
                row("duplicate key", VALID.replace("\"handle\":1", "\"handle\":1,\"handle\":2"), Kind.NOT_JSON, null,
                        "Duplicate field 'handle'"),
                // The fast path checks duplicates its own way in the envelope, in flat bodies (after the last field
                // too, when binding is already complete) and, through Jackson, in nested objects.
                row("duplicate envelope key", VALID.replace("\"seq\":1", "\"seq\":1,\"seq\":1"), Kind.NOT_JSON, null,
                        "Duplicate field 'seq'"),
                row("duplicate last body key", VALID.replace("}", ",\"handle\":1}"), Kind.NOT_JSON, null,
                        "Duplicate field 'handle'"),
                row("duplicate key in a nested object", "{" + ENVELOPE.replace("GemCreate", "DrmDeviceAdded")
                                + ",\"minor\":0,\"driver\":\"i915\",\"regions\":[{\"name\":\"system\",\"name\":\"vram\","
                                + "\"capacityBytes\":4096}]}", Kind.NOT_JSON, null, "Duplicate field 'name'"),
                row("newer schema", VALID.replace("\"schema\":1", "\"schema\":2"), Kind.UNSUPPORTED_SCHEMA, "schema",
                        "is version 2, this reader supports only 1"),
                row("schema as text", VALID.replace("\"schema\":1", "\"schema\":\"1\""), Kind.WRONG_TYPE, "schema",
                        "must be an integer, was \"1\""),
                row("unknown type", VALID.replace("GemCreate", "GemExplode"), Kind.UNKNOWN_TYPE, "type",
                        "names no event type: 'GemExplode'; known types: [DmaBufExport, "),
                row("missing envelope field", VALID.replace("\"host\":\"h\",", ""), Kind.MISSING_FIELD, "host", "is required"),
                row("missing body field", VALID.replace(",\"sizeBytes\":8192", ""), Kind.MISSING_FIELD, "sizeBytes", "is required"),
                row("null field", VALID.replace("\"region\":\"vram\"", "\"region\":null"), Kind.MISSING_FIELD, "region",
                        "is required"),
                row("unknown field", VALID.replace("}", ",\"colour\":\"red\"}"), Kind.UNKNOWN_FIELD, "colour",
                        "is not a field of this type; known fields: ["),
                row("number as text", VALID.replace("\"creatorPid\":300", "\"creatorPid\":\"300\""), Kind.WRONG_TYPE,
                        "creatorPid", "must be an integer in [-2147483648, 2147483647], was \"300\""),
                row("fraction for an integer", VALID.replace("\"sizeBytes\":8192", "\"sizeBytes\":8192.5"), Kind.WRONG_TYPE,
                        "sizeBytes", "must be an integer, was 8192.5"),
                row("integer overflowing int", VALID.replace("\"handle\":1", "\"handle\":4294967296"), Kind.WRONG_TYPE,
                        "handle", "Numeric value (4294967296) out of range of int (-2147483648 - 2147483647)"),
                row("number for text", VALID.replace("\"region\":\"vram\"", "\"region\":5"), Kind.WRONG_TYPE, "region",
                        "must be a string, was 5"),
                row("negative size", VALID.replace("\"sizeBytes\":8192", "\"sizeBytes\":-8192"), Kind.INVALID_VALUE,
                        "sizeBytes", "must be > 0, was -8192"),
                row("size not whole pages", VALID.replace("\"sizeBytes\":8192", "\"sizeBytes\":5000"), Kind.INVALID_VALUE,
                        "sizeBytes", "must be a multiple of the page size 4096, was 5000"),
                row("blank text", VALID.replace("\"region\":\"vram\"", "\"region\":\"  \""), Kind.INVALID_VALUE, "region",
                        "must not be blank"),
                row("negative sequence number", VALID.replace("\"seq\":1", "\"seq\":-1"), Kind.INVALID_VALUE, "seq",
                        "must be >= 0, was -1"),
                row("oom_score_adj out of range", "{" + ENVELOPE.replace("GemCreate", "OomScoreAdj")
                        + ",\"pid\":5,\"oomScoreAdj\":1001}", Kind.INVALID_VALUE, "oomScoreAdj", "must be in [-1000, 1000], was 1001"),
                row("unknown enum constant", "{" + ENVELOPE.replace("GemCreate", "FdInstall")
                                + ",\"pid\":5,\"fd\":3,\"file\":9,\"origin\":\"PIPE\"}", Kind.INVALID_VALUE, "origin",
                        "must be one of [DUP, UNIX_SOCKET], was PIPE"),
                row("nested field missing in a snapshot", "{" + ENVELOPE.replace("GemCreate", "HostSnapshot")
                                + ",\"memory\":{\"memTotalBytes\":4096,\"swapTotalBytes\":0},\"devices\":[],\"files\":[],"
                                + "\"objects\":[],\"dmaBufs\":[],\"processes\":[{\"pid\":5,\"parentPid\":1,\"comm\":\"x\","
                                + "\"threads\":[],\"oomScoreAdj\":0,\"fds\":[],\"mappings\":[]}]}",
                        Kind.MISSING_FIELD, "processes[0].counters", "is required"),
                row("snapshot fd naming both a file and a dma-buf", "{" + ENVELOPE.replace("GemCreate", "HostSnapshot")
                                + ",\"memory\":{\"memTotalBytes\":4096,\"swapTotalBytes\":0},\"devices\":[],\"files\":[],"
                                + "\"objects\":[],\"dmaBufs\":[],\"processes\":[{\"pid\":5,\"parentPid\":1,\"comm\":\"x\","
                                + "\"threads\":[],\"oomScoreAdj\":0,\"counters\":{\"pid\":5,\"fileBytes\":0,\"anonBytes\":0,"
                                + "\"shmemBytes\":0,\"swapBytes\":0,\"pageTableBytes\":0,\"driverPages\":0},"
                                + "\"fds\":[{\"fd\":3,\"file\":9,\"inode\":7}],\"mappings\":[]}]}",
                        Kind.INVALID_VALUE, "fds", "exactly one of file and inode must be set"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRejectedWithAnErrorNamingTheFieldAndTheReason(String description, String json, Kind kind, String field,
                                                         String reason) {
        MalformedEventException error = catchThrowableOfType(MalformedEventException.class,
                () -> codec.decode(json.getBytes(StandardCharsets.UTF_8)));

        assertThat(error).as("decoding %s", description).isNotNull();
        assertThat(error.kind()).isEqualTo(kind);
        assertThat(error.field()).isEqualTo(field);
        String prefix = field == null ? kind.name() + ": " : kind.name() + ": field '" + field + "' ";
        assertThat(error.getMessage()).startsWith(prefix).contains(reason).doesNotContain("\n");
    }

    /** Guards the table: each row breaks exactly one thing of a record that is otherwise fine. */
    @Test
    void theValidRecordTheTableIsBuiltFromDecodes() throws MalformedEventException {
        assertThat(codec.decode(VALID.getBytes(StandardCharsets.UTF_8)).type()).isEqualTo("GemCreate");
    }

    private static Arguments row(String description, String json, Kind kind, String field, String reason) {
        return Arguments.of(description, json, kind, field, reason);
    }
}
