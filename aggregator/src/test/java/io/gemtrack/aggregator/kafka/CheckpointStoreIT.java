package io.gemtrack.aggregator.kafka;

import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoint rounds against a real broker: a round counts for recovery only when every host of it was stored. */
@ExtendWith(KafkaExtension.class)
class CheckpointStoreIT {

    @Test
    void roundWithAHostThatCannotBeStoredGetsNoMarkerSoRecoveryResumesAtTheLastCompleteRound(TestKafka kafka) {
        String topic = "checkpoint-store-it.events.checkpoints";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        try (Admin admin = Admin.create(settings.admin())) {
            Topics.ensure(admin, Topics.checkpoints(topic, 1, TopicLayout.BROKER_DEFAULTS, CheckpointStore.MAX_CHECKPOINT_BYTES));
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

        try (CheckpointStore store = new CheckpointStore(settings, topic, limit)) {
            assertThat(store.writeRound(0, List.of(small), 10)).isTrue();
            assertThat(store.writeRound(0, List.of(small, large), 20)).isFalse();

            CheckpointStore.Restored restored = store.read(0);

            assertThat(restored.resumeAt()).hasValue(10);
            assertThat(restored.hosts()).extracting(HostModel::host).containsExactly("host-small");
        }
    }
}
