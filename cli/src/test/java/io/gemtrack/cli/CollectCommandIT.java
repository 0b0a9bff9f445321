package io.gemtrack.cli;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.testkit.KafkaExtension;
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
        assertThat(((HostSnapshot) snapshot.body()).objects()).hasSize(2);
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
