package io.gemtrack.cli;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.HostModel;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.StatusFigure;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.KernelFixtures;
import io.gemtrack.testkit.ProcTree;
import io.gemtrack.testkit.TestKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static io.gemtrack.testkit.ProcTree.fdinfo;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code collect} publishes through a real broker: the host's stream arrives keyed by host, in order, readable. */
@ExtendWith(KafkaExtension.class)
class CollectCommandIT {

    @TempDir
    Path root;

    @Test
    void publishesTheStreamKeyedByHost(TestKafka kafka) throws MalformedEventException {
        ProcTree tree = new ProcTree(root);
        tree.process(1, "systemd", 0, 1);
        tree.process(500, "gnome-shell", 1, 400).drmFd(12, "/dev/dri/renderD128", fdinfo("i915.txt"));
        String topic = "collect-it.events";
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new CollectCommand());
        commandLine.setErr(new PrintWriter(err, true));

        int status = commandLine.execute("--bootstrap-server", kafka.bootstrapServers(), "--topic", topic,
                "--samples", "2", "--interval", "10ms", "--proc", tree.root().toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(err.toString()).contains("1 events to collect-it.events (1 sent, 0 failed)");
        List<ConsumerRecord<String, byte[]>> records = consume(kafka, topic, 1);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly(ProcTree.HOSTNAME);
        Event snapshot = new EventCodec().decode(records.get(0).value());
        assertThat(snapshot.body()).isInstanceOf(HostSnapshot.class);
        // The client's private memory in system0 and local0, and local0's shared memory, whose holders are unknown.
        assertThat(((HostSnapshot) snapshot.body()).objects()).hasSize(3);
    }

    /** The sharing fixture (a compositor and two clients on one Radeon) through the broker and the model, as the collector tests fold it. */
    @Test
    void aRealHostsSharingFoldsToTheSameFiguresThroughTheBroker(TestKafka kafka) throws MalformedEventException {
        ProcTree tree = KernelFixtures.sharingCompositor(root);
        String topic = "collect-it.sharing";
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new CollectCommand());
        commandLine.setErr(new PrintWriter(err, true));

        int status = commandLine.execute("--bootstrap-server", kafka.bootstrapServers(), "--topic", topic,
                "--samples", "2", "--interval", "10ms", "--proc", tree.root().toString());

        assertThat(status).as(err.toString()).isZero();
        HostModel model = new HostModel(ProcTree.HOSTNAME);
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, byte[]> record : consume(kafka, topic, 1)) {
            assertThat(model.apply(codec.decode(record.value()))).isEqualTo(ApplyResult.APPLIED);
        }
        long mib = 1 << 20;
        long privateBytes = (72 + 12) * mib + (232 + 4) * mib + (48 + 2) * mib + 3 * 8 * 1024;
        assertThat(model.gemBytes()).isEqualTo(privateBytes + 32 * mib + 8 * mib);
        assertThat(model.process(2100).charged(Policy.freeable)).isEqualTo(50 * mib + 8 * 1024);
        assertThat(model.ledger().unaccounted(Policy.holder)).isEqualTo(32 * mib);
    }

    /** Evicted VRAM, the device's own use and meminfo's GPU lines reach a consumer's model through the broker. */
    @Test
    void aRealAmdgpuHostsEvictedBytesAndDeviceUseFoldToTheSameFiguresThroughTheBroker(TestKafka kafka) throws MalformedEventException {
        ProcTree tree = KernelFixtures.amdgpu(root);
        String topic = "collect-it.amdgpu";
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new CollectCommand());
        commandLine.setErr(new PrintWriter(err, true));

        int status = commandLine.execute("--bootstrap-server", kafka.bootstrapServers(), "--topic", topic,
                "--samples", "1", "--proc", tree.root().toString());

        assertThat(status).as(err.toString()).isZero();
        HostModel model = new HostModel(ProcTree.HOSTNAME);
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, byte[]> record : consume(kafka, topic, 1)) {
            assertThat(model.apply(codec.decode(record.value()))).isEqualTo(ApplyResult.APPLIED);
        }
        long mib = 1 << 20;
        assertThat(model.process(3000).status(StatusFigure.evicted)).isEqualTo(1024 * mib);
        assertThat(model.ledger().deviceUsedBytes()).isEqualTo((2400 + 1125) * mib);
        assertThat(model.ledger().unattributedDeviceBytes()).isEqualTo(281 * mib - 4 * 1024);
        assertThat(model.memory().gpuActiveBytes()).isEqualTo(1124 * mib);
    }

    private static List<ConsumerRecord<String, byte[]>> consume(TestKafka kafka, String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "collect-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
