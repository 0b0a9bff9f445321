package io.gemtrack.model;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Host checkpoints as JSON: {@code "format"}, the version of the layout, then the fields of {@link HostCheckpoint}.
 * Its state is the same records, and so has the same field names, as the events' {@code HostSnapshot}, so a stored
 * checkpoint can be read with the tools that read the events topic.
 *
 * <p>{@code "format"} comes first in every format, so a reader learns a checkpoint's format before anything else
 * and refuses one it does not know ({@link UnknownCheckpointFormatException}) instead of misreading it. A change of
 * layout that a reader of the old one could not read, or would read as something else, takes the next number.
 *
 * <p>Format 4 added the cgroup of an OOM kill's victim and of every choice in its post-mortem; format 3, written
 * before, is still read, its post-mortems with those cgroups unknown ({@code null}).
 */
public final class CheckpointCodec {

    /** The format this codec writes. */
    public static final int FORMAT = 4;
    /** The format before post-mortems named cgroups. */
    private static final int WITHOUT_KILL_CGROUPS = 3;
    /** The formats this codec reads. */
    public static final List<Integer> READABLE_FORMATS = List.of(WITHOUT_KILL_CGROUPS, FORMAT);

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final ObjectWriter writer = mapper.writerFor(Formatted.class);
    private final ObjectReader reader = mapper.readerFor(HostCheckpoint.class);

    public byte[] encode(HostCheckpoint checkpoint) {
        try {
            return writer.writeValueAsBytes(new Formatted(FORMAT, checkpoint));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of " + checkpoint.host(), e);
        }
    }

    /**
     * @throws UnknownCheckpointFormatException if the bytes are a checkpoint of a format this codec does not read
     * @throws IOException                      if they are not a checkpoint
     */
    public HostCheckpoint decode(byte[] bytes) throws IOException {
        try (JsonParser parser = reader.createParser(bytes)) {
            int format = format(parser);
            if (!READABLE_FORMATS.contains(format)) {
                throw new UnknownCheckpointFormatException(format, READABLE_FORMATS);
            }
            // The rest of the object, from the field after the format on, is the checkpoint.
            if (parser.nextToken() != JsonToken.FIELD_NAME) {
                throw new JsonParseException(parser, "the checkpoint has nothing but its format");
            }
            if (format == WITHOUT_KILL_CGROUPS) {
                ObjectNode checkpoint = mapper.readValue(parser, ObjectNode.class);
                checkpoint.withArray("oomKills").forEach(CheckpointCodec::withUnknownCgroups);
                return reader.readValue(checkpoint);
            }
            return reader.readValue(parser);
        }
    }

    /** A post-mortem of format 3, with the cgroups format 4 has in it unknown. */
    private static void withUnknownCgroups(JsonNode postMortem) {
        if (postMortem instanceof ObjectNode kill) {
            kill.putNull("cgroup");
            if (kill.get("best") instanceof ObjectNode best) {
                best.putNull("cgroup");
            }
            kill.withArray("policies").forEach(choice -> {
                if (choice.get("victim") instanceof ObjectNode victim) {
                    victim.putNull("cgroup");
                }
            });
        }
    }

    /** Reads the opening {@code "format": N} of a checkpoint and returns N, leaving the parser on it. */
    private static int format(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT || parser.nextToken() != JsonToken.FIELD_NAME
                || !parser.currentName().equals("format")) {
            throw new JsonParseException(parser, "a checkpoint is a JSON object whose first field is its \"format\"");
        }
        if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new JsonParseException(parser, "a checkpoint's \"format\" is an integer");
        }
        return parser.getIntValue();
    }

    /** A checkpoint as written: its format first, then its own fields at the same level. */
    private record Formatted(int format, @JsonUnwrapped HostCheckpoint checkpoint) {
    }
}
