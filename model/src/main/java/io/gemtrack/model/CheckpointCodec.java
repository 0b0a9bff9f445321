package io.gemtrack.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gemtrack.model.HostCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Host checkpoints as JSON: the same records, and so the same field names, as the events' {@code HostSnapshot},
 * so a stored checkpoint can be read with the tools that read the events topic.
 */
public final class CheckpointCodec {

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final ObjectWriter writer = mapper.writerFor(HostCheckpoint.class);
    private final ObjectReader reader = mapper.readerFor(HostCheckpoint.class);

    public byte[] encode(HostCheckpoint checkpoint) {
        try {
            return writer.writeValueAsBytes(checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of " + checkpoint.host(), e);
        }
    }

    /** @throws IOException if the bytes are not a checkpoint this version wrote */
    public HostCheckpoint decode(byte[] bytes) throws IOException {
        return reader.readValue(bytes);
    }
}
