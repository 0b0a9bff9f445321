package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a checkpoint is stored: small ones as their JSON, large ones gzipped, and both read back to the same JSON. */
class CheckpointStoreTest {

    @Test
    void smallCheckpointIsStoredAsItsJson() throws Exception {
        byte[] json = "{\"host\":\"h\",\"nextSeq\":5}".getBytes(StandardCharsets.UTF_8);

        assertThat(CheckpointStore.stored(json)).isSameAs(json);
        assertThat(CheckpointStore.loaded(json)).isEqualTo(json);
    }

    @Test
    void largeCheckpointIsStoredGzippedAndReadBackUnchanged() throws Exception {
        StringBuilder objects = new StringBuilder("{\"host\":\"h\",\"objects\":[");
        for (int i = 0; objects.length() <= CheckpointStore.COMPRESS_ABOVE_BYTES; i++) {
            objects.append("{\"id\":").append(i).append(",\"sizeBytes\":65536,\"creatorPid\":").append(1000 + i / 10).append("},");
        }
        byte[] json = objects.append("{}]}").toString().getBytes(StandardCharsets.UTF_8);

        byte[] stored = CheckpointStore.stored(json);

        assertThat(stored[0] & 0xff).as("gzip's first magic byte").isEqualTo(0x1f);
        assertThat(stored.length).as("stored bytes of %,d bytes of JSON", json.length).isLessThan(json.length / 4);
        assertThat(CheckpointStore.loaded(stored)).isEqualTo(json);
    }
}
