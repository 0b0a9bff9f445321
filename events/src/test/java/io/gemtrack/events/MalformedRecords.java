package io.gemtrack.events;

import io.gemtrack.events.MalformedEventException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One bad record of every kind the aggregator may meet, each breaking exactly one thing of {@link #VALID}, with
 * the error decoding it must give. The codec's unit test and the pipeline's poison-record test share this table
 * (through the events module's test jar).
 */
public final class MalformedRecords {

    private static final String ENVELOPE = "\"schema\":1,\"type\":\"GemCreate\",\"host\":\"h\",\"bootId\":\"b\",\"seq\":1,\"ts\":2";
    private static final String CREATE = "\"object\":42,\"minor\":0,\"region\":\"vram\",\"sizeBytes\":8192,\"creatorPid\":300,"
            + "\"file\":9,\"handle\":1";
    public static final String VALID = "{" + ENVELOPE + "," + CREATE + "}";

    /** A bad record and what decoding it must say: its kind, the field named (or null) and a part of the reason. */
    public record Example(String description, String json, Kind kind, String field, String reason) {

        public byte[] bytes() {
            return json.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private MalformedRecords() {
    }

    public static List<Example> all() {
        return List.of(
                new Example("truncated JSON", VALID.substring(0, 40), Kind.NOT_JSON, null, "Unexpected end-of-input"),
                new Example("not JSON at all", "GemCreate 42 8192", Kind.NOT_JSON, null, "Unrecognized token 'GemCreate'"),
                new Example("empty record", "", Kind.NOT_AN_OBJECT, null, "expected a JSON object, got MISSING"),
                new Example("an array", "[1,2]", Kind.NOT_AN_OBJECT, null, "expected a JSON object, got ARRAY"),
                new Example("a second object after the first", VALID + " {}", Kind.NOT_JSON, null, "has more data after the JSON object"),
                new Example("duplicate key", VALID.replace("\"handle\":1", "\"handle\":1,\"handle\":2"), Kind.NOT_JSON, null,
                        "Duplicate field 'handle'"),
                // The fast path checks duplicates its own way in the envelope, in flat bodies (after the last field
                // too, when binding is already complete) and, through Jackson, in nested objects.
                new Example("duplicate envelope key", VALID.replace("\"seq\":1", "\"seq\":1,\"seq\":1"), Kind.NOT_JSON, null,
                        "Duplicate field 'seq'"),
                new Example("duplicate last body key", VALID.replace("}", ",\"handle\":1}"), Kind.NOT_JSON, null,
                        "Duplicate field 'handle'"),
                new Example("duplicate key in a nested object", "{" + ENVELOPE.replace("GemCreate", "DrmDeviceAdded")
                                + ",\"minor\":0,\"driver\":\"i915\",\"regions\":[{\"name\":\"system\",\"name\":\"vram\","
                                + "\"capacityBytes\":4096}]}", Kind.NOT_JSON, null, "Duplicate field 'name'"),
                new Example("newer schema", VALID.replace("\"schema\":1", "\"schema\":2"), Kind.UNSUPPORTED_SCHEMA, "schema",
                        "is version 2, this reader supports only 1"),
                new Example("schema as text", VALID.replace("\"schema\":1", "\"schema\":\"1\""), Kind.WRONG_TYPE, "schema",
                        "must be an integer, was \"1\""),
                new Example("unknown type", VALID.replace("GemCreate", "GemExplode"), Kind.UNKNOWN_TYPE, "type",
                        "names no event type: 'GemExplode'; known types: [DmaBufExport, "),
                new Example("missing envelope field", VALID.replace("\"host\":\"h\",", ""), Kind.MISSING_FIELD, "host", "is required"),
                new Example("missing body field", VALID.replace(",\"sizeBytes\":8192", ""), Kind.MISSING_FIELD, "sizeBytes", "is required"),
                new Example("null field", VALID.replace("\"region\":\"vram\"", "\"region\":null"), Kind.MISSING_FIELD, "region",
                        "is required"),
                new Example("unknown field", VALID.replace("}", ",\"colour\":\"red\"}"), Kind.UNKNOWN_FIELD, "colour",
                        "is not a field of this type; known fields: ["),
                new Example("number as text", VALID.replace("\"creatorPid\":300", "\"creatorPid\":\"300\""), Kind.WRONG_TYPE,
                        "creatorPid", "must be an integer in [-2147483648, 2147483647], was \"300\""),
                new Example("fraction for an integer", VALID.replace("\"sizeBytes\":8192", "\"sizeBytes\":8192.5"), Kind.WRONG_TYPE,
                        "sizeBytes", "must be an integer, was 8192.5"),
                new Example("integer overflowing int", VALID.replace("\"handle\":1", "\"handle\":4294967296"), Kind.WRONG_TYPE,
                        "handle", "Numeric value (4294967296) out of range of int (-2147483648 - 2147483647)"),
                new Example("number for text", VALID.replace("\"region\":\"vram\"", "\"region\":5"), Kind.WRONG_TYPE, "region",
                        "must be a string, was 5"),
                new Example("negative size", VALID.replace("\"sizeBytes\":8192", "\"sizeBytes\":-8192"), Kind.INVALID_VALUE,
                        "sizeBytes", "must be > 0, was -8192"),
                new Example("size not whole pages", VALID.replace("\"sizeBytes\":8192", "\"sizeBytes\":5000"), Kind.INVALID_VALUE,
                        "sizeBytes", "must be a multiple of the page size 4096, was 5000"),
                new Example("blank text", VALID.replace("\"region\":\"vram\"", "\"region\":\"  \""), Kind.INVALID_VALUE, "region",
                        "must not be blank"),
                new Example("negative sequence number", VALID.replace("\"seq\":1", "\"seq\":-1"), Kind.INVALID_VALUE, "seq",
                        "must be >= 0, was -1"),
                new Example("oom_score_adj out of range", "{" + ENVELOPE.replace("GemCreate", "OomScoreAdj")
                        + ",\"pid\":5,\"oomScoreAdj\":1001}", Kind.INVALID_VALUE, "oomScoreAdj", "must be in [-1000, 1000], was 1001"),
                new Example("unknown enum constant", "{" + ENVELOPE.replace("GemCreate", "FdInstall")
                                + ",\"pid\":5,\"fd\":3,\"file\":9,\"origin\":\"PIPE\"}", Kind.INVALID_VALUE, "origin",
                        "must be one of [DUP, UNIX_SOCKET], was PIPE"),
                new Example("nested field missing in a snapshot", "{" + ENVELOPE.replace("GemCreate", "HostSnapshot")
                                + ",\"memory\":{\"memTotalBytes\":4096,\"swapTotalBytes\":0},\"devices\":[],\"files\":[],"
                                + "\"objects\":[],\"dmaBufs\":[],\"processes\":[{\"pid\":5,\"parentPid\":1,\"comm\":\"x\","
                                + "\"threads\":[],\"oomScoreAdj\":0,\"fds\":[],\"mappings\":[]}]}",
                        Kind.MISSING_FIELD, "processes[0].counters", "is required"),
                new Example("snapshot fd naming both a file and a dma-buf", "{" + ENVELOPE.replace("GemCreate", "HostSnapshot")
                                + ",\"memory\":{\"memTotalBytes\":4096,\"swapTotalBytes\":0},\"devices\":[],\"files\":[],"
                                + "\"objects\":[],\"dmaBufs\":[],\"processes\":[{\"pid\":5,\"parentPid\":1,\"comm\":\"x\","
                                + "\"threads\":[],\"oomScoreAdj\":0,\"counters\":{\"pid\":5,\"fileBytes\":0,\"anonBytes\":0,"
                                + "\"shmemBytes\":0,\"swapBytes\":0,\"pageTableBytes\":0,\"driverPages\":0},"
                                + "\"fds\":[{\"fd\":3,\"file\":9,\"inode\":7}],\"mappings\":[]}]}",
                        Kind.INVALID_VALUE, "fds", "exactly one of file and inode must be set"));
    }
}
