package io.gemtrack.aggregator.kafka;

import io.gemtrack.kafka.Topics;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoint rounds against a real broker: a round counts for recovery only when every host of it was stored, and
 * only checkpoints of a format this version reads are restored.
 */
@ExtendWith(KafkaExtension.class)
class CheckpointStoreIT {

    @Test
    void roundWithAHostThatCannotBeStoredGetsNoMarkerSoRecoveryResumesAtTheLastCompleteRound(TestKafka kafka) {
        String topic = "checkpoint-store-it.events.checkpoints";
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            Topics.ensure(admin, Topics.checkpoints(topic, 1, CheckpointStore.MAX_CHECKPOINT_BYTES));
        }
        HostCheckpoint small = new HostModel("host-small").checkpoint();
        HostModel busy = new HostModel("host-busy");
        HostSimulation simulation = new HostSimulation("host-busy", 7, Scenarios.parse("mixed"), false, 0);
        while (simulation.events() < 2_000) {
            simulation.step().forEach(busy::apply);
        }
        HostCheckpoint large = busy.checkpoint();
        CheckpointCodec codec = new CheckpointCodec();
        int smallBytes = codec.encode(small).length;
        int largeBytes = codec.encode(large).length;
        // Room for the small host's record with its key and header (under 100 bytes more), not for the busy host's.
        assertThat(largeBytes).as("the busy host's checkpoint bytes, against the empty host's " + smallBytes)
                .isGreaterThan(smallBytes + 1_000);
        int limit = (smallBytes + largeBytes) / 2;

        try (CheckpointStore store = new CheckpointStore(config, topic, limit)) {
            assertThat(store.writeRound(0, entries(small), 10).complete()).isTrue();
            assertThat(store.writeRound(0, entries(small, large), 20).complete()).isFalse();

            CheckpointStore.Restored restored = store.read(0);

            assertThat(restored.resumeAt()).hasValue(10);
            assertThat(restored.hosts()).extracting(HostModel::host).containsExactly("host-small");
        }
    }

    @Test
    void checkpointOfAnUnknownFormatIsNotRestoredSoThePartitionIsReplayedFromItsStart(TestKafka kafka) throws Exception {
        String topic = "checkpoint-store-format-it.events.checkpoints";
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            Topics.ensure(admin, Topics.checkpoints(topic, 1, CheckpointStore.MAX_CHECKPOINT_BYTES));
        }
        HostCheckpoint first = new HostModel("host-a").checkpoint();
        HostCheckpoint second = new HostModel("host-b").checkpoint();
        String encoded = new String(new CheckpointCodec().encode(second), StandardCharsets.UTF_8);
        byte[] laterFormat = encoded.replaceFirst("^\\{\"format\":" + CheckpointCodec.FORMAT + ",",
                "{\"format\":" + (CheckpointCodec.FORMAT + 1) + ",").getBytes(StandardCharsets.UTF_8);
        assertThat(laterFormat).as("host-b's checkpoint relabelled").isNotEqualTo(encoded.getBytes(StandardCharsets.UTF_8));

        try (CheckpointStore store = new CheckpointStore(config, topic)) {
            assertThat(store.writeRound(0, entries(first, second), 10).complete()).isTrue();
            CheckpointStore.Restored current = store.read(0);
            assertThat(current.resumeAt()).hasValue(10);
            assertThat(current.hosts()).extracting(HostModel::host).containsExactly("host-a", "host-b");

            // As a later version would store host-b's next checkpoint, after the round whose marker recovery resumes at.
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, "host-b".getBytes(StandardCharsets.UTF_8), laterFormat);
                record.headers().add(CheckpointStore.SOURCE_OFFSET_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(15).array());
                producer.send(record).get();
            }
            CheckpointStore.Restored restored = store.read(0);

            assertThat(restored.resumeAt()).as("where recovery resumes: empty is the partition's start").isEmpty();
            assertThat(restored.hosts()).isEmpty();
        }
    }

    private static List<CheckpointStore.Entry> entries(HostCheckpoint... checkpoints) {
        return Arrays.stream(checkpoints).map(checkpoint -> new CheckpointStore.Entry(checkpoint, Optional.empty())).toList();
    }
}
