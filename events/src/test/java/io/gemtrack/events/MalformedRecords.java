package io.gemtrack.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gemtrack.events.MalformedEventException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One bad record of every kind the aggregator may meet, each breaking exactly one thing of {@link #VALID}, with
 * the error decoding it must give. The codec's unit test and the pipeline's poison-record test share this table
 * (through the events module's test jar). {@link #fieldsAtTheirLimits} adds every field of every event type at the
 * limits of the schema and just past them, too many records to be poison among a test stream.
 */
public final class MalformedRecords {

    private static final String ENVELOPE = "\"schema\":2,\"type\":\"GemCreate\",\"host\":\"h\",\"bootId\":\"b\",\"seq\":1,\"ts\":2";
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

    /** A snapshot of one process with these fds and mappings (JSON objects, comma-separated) and nothing else. */
    private static String snapshotOfOneProcess(String fds, String mappings) {
        return "{" + ENVELOPE.replace("GemCreate", "HostSnapshot")
                + ",\"memory\":{\"memTotalBytes\":4096,\"swapTotalBytes\":0,\"gpuActiveBytes\":0,"
                + "\"gpuReclaimBytes\":0},\"devices\":[],\"files\":[],\"objects\":[],\"dmaBufs\":[],\"deviceMemory\":[],\"processes\":[{\"pid\":5,\"parentPid\":1,\"comm\":\"x\","
                + "\"threads\":[],\"oomScoreAdj\":0,\"counters\":{\"pid\":5,\"fileBytes\":0,\"anonBytes\":0,"
                + "\"shmemBytes\":0,\"swapBytes\":0,\"pageTableBytes\":0,\"driverPages\":0},"
                + "\"fds\":[" + fds + "],\"mappings\":[" + mappings + "]}]}";
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
                new Example("newer schema", VALID.replace("\"schema\":2", "\"schema\":3"), Kind.UNSUPPORTED_SCHEMA, "schema",
                        "is version 3, this reader supports only 2"),
                new Example("schema as text", VALID.replace("\"schema\":2", "\"schema\":\"2\""), Kind.WRONG_TYPE, "schema",
                        "must be an integer, was \"2\""),
                new Example("unknown type", VALID.replace("GemCreate", "GemExplode"), Kind.UNKNOWN_TYPE, "type",
                        "names no event type: 'GemExplode'; known types: [DeviceMemory, DmaBufExport, "),
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
                                + ",\"memory\":{\"memTotalBytes\":4096,\"swapTotalBytes\":0,\"gpuActiveBytes\":0,"
                                + "\"gpuReclaimBytes\":0},\"devices\":[],\"files\":[],\"objects\":[],\"dmaBufs\":[],"
                                + "\"deviceMemory\":[],\"processes\":[{\"pid\":5,\"parentPid\":1,\"comm\":\"x\","
                                + "\"threads\":[],\"oomScoreAdj\":0,\"fds\":[],\"mappings\":[]}]}",
                        Kind.MISSING_FIELD, "processes[0].counters", "is required"),
                new Example("snapshot fd naming both a file and a dma-buf",
                        snapshotOfOneProcess("{\"fd\":3,\"file\":9,\"inode\":7}", ""), Kind.INVALID_VALUE, "fds",
                        "exactly one of file and inode must be set"),
                // Records that passed validation before the schema had bounds, and broke the pipeline.
                new Example("size beyond 4 PiB", VALID.replace("\"sizeBytes\":8192", "\"sizeBytes\":9223372036854771712"),
                        Kind.OUT_OF_BOUNDS, "sizeBytes", "must be <= 4503599627366400, was 9223372036854771712"),
                new Example("sequence number at the end of the long range",
                        VALID.replace("\"seq\":1", "\"seq\":" + Long.MAX_VALUE), Kind.OUT_OF_BOUNDS, "seq",
                        "must be <= 9007199254740991, was 9223372036854775807"),
                new Example("snapshot mapping count of the int range",
                        snapshotOfOneProcess("", "{\"object\":42,\"count\":2147483647}"), Kind.OUT_OF_BOUNDS,
                        "mappings.count", "must be <= 16777216, was 2147483647"),
                new Example("command name of a thousand bytes", "{" + ENVELOPE.replace("GemCreate", "ProcessFork")
                                + ",\"pid\":5,\"parentPid\":1,\"comm\":\"" + "x".repeat(1000) + "\",\"thread\":false}",
                        Kind.OUT_OF_BOUNDS, "comm", "must be at most 64 bytes of UTF-8, was 1000"),
                new Example("host that is an unpaired surrogate", VALID.replace("\"host\":\"h\"", "\"host\":\"\\ud800\""),
                        Kind.INVALID_VALUE, "host", "must be valid Unicode, has an unpaired surrogate U+D800 at index 0"),
                new Example("host with a slash", VALID.replace("\"host\":\"h\"", "\"host\":\"rack/h\""),
                        Kind.INVALID_VALUE, "host", "must not contain '/', has one at index 4"));
    }

    // ---- every field at the limits of what it may hold, and just past them ----------------------------------------

    /**
     * One field of a valid record set to a limit of the schema, in {@code accepted}, which must decode, and just past
     * the limit, in {@code rejected}, which must fail with {@code kind} and a reason containing {@code reason}. The
     * error names the field: {@code field} itself, or, inside a snapshot, {@code field} after the list that holds it.
     */
    public record FieldAtItsLimit(String description, String accepted, String rejected, Kind kind, String field,
                                  String reason) {

        @Override
        public String toString() {
            return description;
        }
    }

    /** A host's memory, with what GPU drivers hold of it. */
    private static final String MEMORY = "\"memTotalBytes\":8589934592,\"swapTotalBytes\":4096,\"gpuActiveBytes\":4096,"
            + "\"gpuReclaimBytes\":8192";

    /**
     * A valid body of every event type. Every number is other than 0, so that each can be set to its limits, except
     * the 0 of a snapshot fd's id of the kind it is not; sizes leave room for the resident bytes at their limit.
     */
    private static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("ProcessFork", "\"pid\":5,\"parentPid\":1,\"comm\":\"bash\",\"thread\":false"),
            Map.entry("ProcessExec", "\"pid\":5,\"comm\":\"vim\""),
            Map.entry("ProcessExit", "\"pid\":5"),
            Map.entry("OomScoreAdj", "\"pid\":5,\"oomScoreAdj\":100"),
            Map.entry("HostMemory", MEMORY),
            Map.entry("MmCounters", counters()),
            Map.entry("DrmDeviceAdded", device()),
            Map.entry("DrmFileOpen", "\"pid\":5,\"fd\":3,\"file\":9,\"minor\":1"),
            Map.entry("DrmFileClose", "\"file\":9"),
            Map.entry("FdInstall", "\"pid\":5,\"fd\":4,\"file\":9,\"origin\":\"DUP\""),
            Map.entry("FdClose", "\"pid\":5,\"fd\":4"),
            Map.entry("GemCreate", CREATE.replace("\"minor\":0", "\"minor\":1")),
            Map.entry("GemHandleCreate", "\"file\":9,\"handle\":2,\"object\":42"),
            Map.entry("GemHandleDelete", "\"file\":9,\"handle\":2"),
            Map.entry("GemPin", "\"object\":42,\"bytes\":4096"),
            Map.entry("GemUnpin", "\"object\":42,\"bytes\":4096"),
            Map.entry("GemMmap", "\"pid\":5,\"object\":42"),
            Map.entry("GemMunmap", "\"pid\":5,\"object\":42"),
            Map.entry("GemStatus", "\"object\":42,\"purgeableBytes\":4096,\"activeBytes\":8192,\"evictedBytes\":4096"),
            Map.entry("DeviceMemory", "\"minor\":1,\"region\":\"vram\",\"usedBytes\":8192"),
            Map.entry("GemFree", "\"object\":42"),
            Map.entry("DmaBufExport", "\"object\":42,\"inode\":7,\"pid\":5,\"fd\":6"),
            Map.entry("DmaBufFdInstall", "\"pid\":5,\"fd\":7,\"inode\":7,\"origin\":\"UNIX_SOCKET\""),
            Map.entry("DmaBufImport", "\"inode\":7,\"file\":9,\"handle\":3"),
            Map.entry("DmaBufRelease", "\"inode\":7"),
            Map.entry("OomKill", "\"pid\":5,\"badnessPoints\":1000,\"freedPages\":256"),
            Map.entry("ProcessMigrate", "\"pid\":5,\"cgroup\":\"/system.slice/foo.service\""),
            Map.entry("ResourceUsage", usage()),
            Map.entry("ResourceGroupRemove", "\"cgroup\":\"/system.slice/foo.service\""),
            Map.entry("HostSnapshot", "\"memory\":{" + MEMORY + "},"
                    + "\"devices\":[{" + device() + "}],"
                    + "\"processes\":[{\"pid\":5,\"parentPid\":1,\"comm\":\"bash\",\"threads\":[6],\"oomScoreAdj\":100,"
                    + "\"counters\":{" + counters() + "},\"fds\":[{\"fd\":3,\"file\":9,\"inode\":0},"
                    + "{\"fd\":6,\"file\":0,\"inode\":7}],\"mappings\":[{\"object\":42,\"count\":2}],"
                    + "\"cgroup\":\"/kubepods.slice/kubepods-pod1.slice\"}],"
                    + "\"files\":[{\"file\":9,\"minor\":1,\"handles\":[{\"handle\":1,\"object\":42}]}],"
                    + "\"objects\":[{\"object\":42,\"minor\":1,\"region\":\"vram\",\"sizeBytes\":" + Bounds.MAX_BYTES
                    + ",\"creatorPid\":5,\"creatorMmAlive\":true,\"residentBytes\":8192,\"purgeableBytes\":4096,"
                    + "\"activeBytes\":4096,\"evictedBytes\":4096}],"
                    + "\"dmaBufs\":[{\"inode\":7,\"object\":42}],"
                    + "\"deviceMemory\":[{\"minor\":1,\"region\":\"vram\",\"usedBytes\":8192}],"
                    + "\"cgroups\":[{" + usage() + "}]"));

    private static String usage() {
        return "\"cgroup\":\"/system.slice/foo.service\",\"memoryCurrentBytes\":8192,\"memoryMaxBytes\":16384,"
                + "\"dmem\":[{\"minor\":1,\"region\":\"vram\",\"currentBytes\":4096,\"maxBytes\":8192}]";
    }


    private static String counters() {
        return "\"pid\":5,\"fileBytes\":4096,\"anonBytes\":8192,\"shmemBytes\":4096,\"swapBytes\":4096,"
                + "\"pageTableBytes\":4096,\"driverPages\":2";
    }

    private static String device() {
        return "\"minor\":1,\"driver\":\"i915\",\"regions\":[{\"name\":\"vram\",\"capacityBytes\":8589934592}]";
    }

    private static final List<String> ENVELOPE_FIELDS = List.of("schema", "type", "host", "bootId", "seq", "ts");
    /** The record's discriminators and the enum, whose every value is covered elsewhere. */
    private static final List<String> UNLIMITED = List.of("schema", "type", "origin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PLACEHOLDER = "@value@";

    /** A value at a limit and one just past it, as JSON literals, with the error the one past it gives. */
    private record Limit(String name, String at, String past, Kind kind, String reason) {
    }

    /** The limits of each field by its name; the envelope's fields are set only in the GemCreate record. */
    private static final Map<String, List<Limit>> LIMITS = limits();

    private static Map<String, List<Limit>> limits() {
        Map<String, List<Limit>> limits = new HashMap<>();
        limits.put("seq", upTo(Bounds.MAX_SEQ, 1));
        limits.put("ts", upTo(Bounds.MAX_TS, 1));
        limits.put("host", text(Bounds.MAX_HOST_BYTES));
        limits.put("bootId", text(Bounds.MAX_BOOT_ID_BYTES));
        for (String pid : List.of("pid", "parentPid", "creatorPid", "threads")) {
            limits.put(pid, upTo(Bounds.MAX_PID, 1));
        }
        for (String id : List.of("file", "object", "inode")) {
            limits.put(id, upTo(Bounds.MAX_ID, 1));
        }
        // No bound of their own: the collector uses the top of the int range for its pseudo device and fd.
        for (String integer : List.of("fd", "minor", "handle")) {
            limits.put(integer, List.of(new Limit("2^31 - 1", "2147483647", "2147483648", Kind.WRONG_TYPE,
                    "out of range of int")));
        }
        // One page past the bound, so that the figure is still whole pages.
        for (String bytes : List.of("memTotalBytes", "swapTotalBytes", "gpuActiveBytes", "gpuReclaimBytes", "fileBytes", "anonBytes",
                "shmemBytes", "swapBytes", "pageTableBytes", "capacityBytes", "sizeBytes", "bytes", "residentBytes", "purgeableBytes",
                "activeBytes", "evictedBytes", "usedBytes", "memoryCurrentBytes", "memoryMaxBytes", "currentBytes", "maxBytes")) {
            limits.put(bytes, upTo(Bounds.MAX_BYTES, EventBody.PAGE_SIZE));
        }
        limits.put("driverPages", magnitude(Bounds.MAX_PAGES, Kind.OUT_OF_BOUNDS));
        limits.put("badnessPoints", magnitude(Bounds.MAX_OOM_PAGES, Kind.OUT_OF_BOUNDS));
        limits.put("freedPages", upTo(Bounds.MAX_OOM_PAGES, 1));
        limits.put("count", upTo(Bounds.MAX_MAPPINGS, 1));
        limits.put("oomScoreAdj", magnitude(1000, Kind.INVALID_VALUE));
        limits.put("comm", text(Bounds.MAX_COMM_BYTES));
        limits.put("cgroup", cgroupPath());
        for (String name : List.of("driver", "region", "name")) {
            limits.put(name, text(Bounds.MAX_NAME_BYTES));
        }
        return limits;
    }

    private static List<Limit> upTo(long max, long step) {
        return List.of(new Limit("<= " + max, Long.toString(max), Long.toString(max + step), Kind.OUT_OF_BOUNDS,
                "must be <= " + max + ", was " + (max + step)));
    }

    private static List<Limit> magnitude(long max, Kind kind) {
        String range = "must be in [" + -max + ", " + max + "], was ";
        return List.of(new Limit("<= " + max, Long.toString(max), Long.toString(max + 1), kind, range + (max + 1)),
                new Limit(">= " + -max, Long.toString(-max), Long.toString(-max - 1), kind, range + (-max - 1)));
    }

    /**
     * Text of exactly {@code maxBytes} bytes of UTF-8, mostly characters of four bytes (surrogate pairs in Java), and
     * one byte more; then the rules every string obeys whatever its length: no half of a surrogate pair.
     */
    private static List<Limit> text(int maxBytes) {
        String atTheBound = "\uD83D\uDE00".repeat(maxBytes / 4) + "\u00FC".repeat(maxBytes % 4 / 2) + "a".repeat(maxBytes % 2);
        return List.of(new Limit(maxBytes + " bytes", quoted(atTheBound), quoted(atTheBound + "a"), Kind.OUT_OF_BOUNDS,
                        "must be at most " + maxBytes + " bytes of UTF-8, was " + (maxBytes + 1)),
                new Limit("a high surrogate alone", quoted("x\uD83D\uDE00"), "\"x\\ud83d\"", Kind.INVALID_VALUE,
                        "must be valid Unicode, has an unpaired surrogate U+D83D at index 1"),
                new Limit("a low surrogate alone", quoted("\uD83D\uDE00x"), "\"\\ude00x\"", Kind.INVALID_VALUE,
                        "must be valid Unicode, has an unpaired surrogate U+DE00 at index 0"));
    }

    /**
     * A cgroup path of exactly the bound's bytes, made of names of the longest length, and one byte more; a name of the
     * longest length and one longer; then the spellings of one cgroup the schema does not take.
     */
    private static List<Limit> cgroupPath() {
        String name = "n".repeat(Bounds.MAX_CGROUP_NAME_BYTES);
        StringBuilder path = new StringBuilder();
        // Room is left for a last, shorter name of at least one byte.
        while (path.length() + 1 + name.length() < Bounds.MAX_CGROUP_PATH_BYTES - 1) {
            path.append('/').append(name);
        }
        String last = "p".repeat(Bounds.MAX_CGROUP_PATH_BYTES - path.length() - 1);
        path.append('/').append(last);
        String nameRule = "must be '/' or names joined by '/', none empty, '.' or '..', was ";
        return List.of(new Limit(Bounds.MAX_CGROUP_PATH_BYTES + " bytes", quoted(path.toString()), quoted(path + "p"),
                        Kind.OUT_OF_BOUNDS, "must be at most " + Bounds.MAX_CGROUP_PATH_BYTES + " bytes of UTF-8, was "
                        + (Bounds.MAX_CGROUP_PATH_BYTES + 1)),
                new Limit("a name of " + Bounds.MAX_CGROUP_NAME_BYTES + " bytes", quoted("/a/" + name), quoted("/a/" + name + "n"),
                        Kind.OUT_OF_BOUNDS, "must have names of at most " + Bounds.MAX_CGROUP_NAME_BYTES
                        + " bytes of UTF-8, has one of " + (Bounds.MAX_CGROUP_NAME_BYTES + 1)),
                new Limit("a relative path", quoted("/a.slice"), quoted("a.slice"), Kind.INVALID_VALUE,
                        "must start with '/', was a.slice"),
                new Limit("a trailing slash", quoted("/a.slice/b"), quoted("/a.slice/"), Kind.INVALID_VALUE, nameRule + "/a.slice/"),
                new Limit("an empty name", quoted("/a/b"), quoted("/a//b"), Kind.INVALID_VALUE, nameRule + "/a//b"),
                new Limit("a dot-dot name", quoted("/a/..b"), quoted("/a/.."), Kind.INVALID_VALUE, nameRule + "/a/.."),
                new Limit("a control character", quoted("/a b"), "\"/a\\u0007b\"", Kind.INVALID_VALUE,
                        "must not contain control characters, has U+0007 at index 2"));
    }

    /** What a host name may not contain, beyond the rules of all text: each next to a near neighbour it may. */
    private static final List<Limit> HOST_RULES = List.of(
            new Limit("a slash", quoted("rack-1.h"), quoted("rack-1/h"), Kind.INVALID_VALUE,
                    "must not contain '/', has one at index 6"),
            new Limit("a C0 control character", quoted("h 1"), "\"h\\u00071\"", Kind.INVALID_VALUE,
                    "must not contain control characters, has U+0007 at index 1"),
            new Limit("a C1 control character", quoted("h\u00e91"), "\"h\\u00851\"", Kind.INVALID_VALUE,
                    "must not contain control characters, has U+0085 at index 1"),
            new Limit("DEL", quoted("h~1"), "\"h\\u007f1\"", Kind.INVALID_VALUE,
                    "must not contain control characters, has U+007F at index 1"));

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    /** Every number and string of every event type, each at its limits and just past them. */
    public static List<FieldAtItsLimit> fieldsAtTheirLimits() {
        List<FieldAtItsLimit> cases = new ArrayList<>();
        validRecords().forEach((type, json) -> {
            ObjectNode record = (ObjectNode) parse(json);
            addCases(type, record, record, "", type.equals("GemCreate"), cases);
        });
        cases.sort(Comparator.comparing(FieldAtItsLimit::description));
        return cases;
    }

    /** The records the limits are set in: a valid one of every event type, by type name. */
    public static Map<String, String> validRecords() {
        Map<String, String> records = new TreeMap<>();
        BODIES.forEach((type, body) -> records.put(type, "{" + ENVELOPE.replace("GemCreate", type) + "," + body + "}"));
        return records;
    }

    private static void addCases(String type, ObjectNode record, JsonNode node, String path, boolean withEnvelope,
                                 List<FieldAtItsLimit> cases) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                boolean envelope = node == record && ENVELOPE_FIELDS.contains(field.getKey());
                if (!envelope || withEnvelope) {
                    addCases(type, record, field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(),
                            withEnvelope, cases);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                addCases(type, record, node.get(i), path + "[" + i + "]", withEnvelope, cases);
            }
        } else if (node.isTextual() || node.isIntegralNumber() && node.longValue() != 0) {
            String field = path.replaceAll("\\[\\d+]$", "").replaceAll(".*[.\\]]", "");
            if (UNLIMITED.contains(field)) {
                return;
            }
            List<Limit> limits = new ArrayList<>(Objects.requireNonNull(LIMITS.get(field), () -> "no limits for " + path));
            if (field.equals("host")) {
                limits.addAll(HOST_RULES);
            }
            for (Limit limit : limits) {
                cases.add(new FieldAtItsLimit(type + " " + path + ": " + limit.name(), withValue(record, path, limit.at()),
                        withValue(record, path, limit.past()), limit.kind(), field, limit.reason()));
            }
        }
    }

    /** The record with the value at {@code path} replaced by a JSON literal, which may be one Jackson would not write. */
    private static String withValue(ObjectNode record, String path, String literal) {
        ObjectNode copy = record.deepCopy();
        String[] steps = path.split("\\.|(?=\\[)");
        JsonNode parent = copy;
        for (int i = 0; i < steps.length - 1; i++) {
            parent = steps[i].startsWith("[") ? parent.get(index(steps[i])) : parent.get(steps[i]);
        }
        String last = steps[steps.length - 1];
        if (last.startsWith("[")) {
            ((ArrayNode) parent).set(index(last), PLACEHOLDER);
        } else {
            ((ObjectNode) parent).put(last, PLACEHOLDER);
        }
        return copy.toString().replace("\"" + PLACEHOLDER + "\"", literal);
    }

    private static int index(String step) {
        return Integer.parseInt(step.substring(1, step.length() - 1));
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a template of the limits table is not JSON: " + json, e);
        }
    }
}
