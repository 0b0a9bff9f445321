package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.EventStamper;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BusyHost;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code gemtrack aggregate} (a child JVM) whose consumer dies of a real fault: a host's snapshot that its heap cannot
 * hold. It must say so on {@code /health}, exit by itself with a non-zero status and a line naming the error, write
 * no checkpoint past what it applied, and a successor with room for the host must recover from the checkpoints and
 * end equal to the fold of every record.
 */
@ExtendWith(KafkaExtension.class)
class ConsumerFailureIT {

    private static final String TOPIC = "consumer-failure.events";
    private static final String GROUP = "consumer-failure";
    private static final int PARTITIONS = 4;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(200);
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final Path LOGS = Path.of("target", "reliability", "consumer-failure");
    /** Enough for the fleet's models, not for the big host's snapshot: its record alone is 46 MB of JSON. */
    private static final String SMALL_HEAP = "64m";
    private static final BusyHost BIG_HOST = new BusyHost(3_000, 100);
    /** Room for the big host: its record, decoded event and model. */
    private static final String LARGE_HEAP = "1g";

    @Test
    void aSnapshotTooLargeForTheHeapMakesHealth503AndTheProcessExitNonZeroAndASuccessorRecovers(TestKafka kafka)
            throws Exception {
        String bootstrapServers = kafka.bootstrapServers();
        KafkaSettings settings = KafkaSettings.bootstrap(bootstrapServers);
        List<Event> fleet = FleetStream.events(3, 31, 250, 1_500);
        Event bigSnapshot = new EventStamper(BusyHost.NAME, BusyHost.BOOT).stamp(1, BIG_HOST.snapshot());
        FromScratchFold fold = new FromScratchFold();
        fleet.forEach(fold::apply);
        fold.apply(bigSnapshot);

        // The logs are appended to, and what this run's must hold is asserted.
        Files.deleteIfExists(LOGS.resolve("small-heap.log"));
        try (Admin admin = Admin.create(settings.admin())) {
            // An events topic that takes the big snapshot, made before the aggregator, which leaves it as it is.
            Topics.ensure(admin, Topics.events(TOPIC, TopicLayout.partitions(PARTITIONS)).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(64 << 20))));
        }
        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(PARTITIONS))) {
            ChildAggregator small = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL, SMALL_HEAP,
                    LOGS.resolve("small-heap.log"));
            try {
                FleetStream.publishPaced(publisher, fleet);
                Map<String, Long> fleetSeqs = new HashMap<>(fold.lastSeqs());
                fleetSeqs.remove(BusyHost.NAME);
                Await.until("the fleet's events applied (log: " + small.log() + ")", CATCH_UP, small.endpoint()::lastSeqs,
                        fleetSeqs::equals);
                ApiClient.Answer healthy = small.endpoint().api().get("/health");
                assertThat(healthy.status()).as("/health while consuming").isEqualTo(200);
                assertThat(healthy.body().get("state").asText()).isEqualTo("consuming");

                CompletableFuture<List<ApiClient.Answer>> watched = CompletableFuture.supplyAsync(() -> healthUntilExit(small));
                publishLarge(bootstrapServers, bigSnapshot);
                int status = small.awaitExit(CATCH_UP);
                String output = Files.readString(small.log(), StandardCharsets.UTF_8);

                assertThat(status).as("exit status after the consumer died (log: %s)", small.log()).isEqualTo(1);
                assertThat(output).as("the child's output").contains(
                        "ERROR io.gemtrack.aggregator.kafka.EventConsumer - the event consumer stopped on an error",
                        "java.lang.OutOfMemoryError: Java heap space\n\tat ",
                        "gemtrack: stopping: the aggregator's event consumer failed: java.lang.OutOfMemoryError: Java heap space");
                List<ApiClient.Answer> failed = watched.get(10, TimeUnit.SECONDS).stream()
                        .filter(answer -> answer.status() != 200).toList();
                assertThat(failed).as("/health answers other than 200 before the exit").isNotEmpty().allSatisfy(answer -> {
                    assertThat(answer.status()).isEqualTo(503);
                    assertThat(answer.body().get("state").asText()).isEqualTo("failed");
                    assertThat(answer.body().get("error").asText()).isEqualTo("java.lang.OutOfMemoryError: Java heap space");
                });
            } finally {
                small.close();
            }

            try (ChildAggregator successor = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL, LARGE_HEAP,
                    LOGS.resolve("successor.log"))) {
                Await.until("every host's last seq applied by the successor (log: " + successor.log() + ")", CATCH_UP,
                        successor.endpoint()::lastSeqs, fold.lastSeqs()::equals);
                fold.assertHeldBy(successor.endpoint(), fold.hosts());
                DeadLetters.assertNone(settings, TOPIC + ".dlq", successor.endpoint());
            }
        }
    }

    /** The big snapshot as one record, compressed on the wire as a producer of such records would. */
    private static void publishLarge(String bootstrapServers, Event event) throws Exception {
        byte[] value = new EventCodec().encode(event);
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip", ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * value.length,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 2L * value.length);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, event.host(), value)).get(60, TimeUnit.SECONDS);
        }
    }

    /** Every {@code /health} answer from now until the process is gone, asked as often as it answers. */
    private static List<ApiClient.Answer> healthUntilExit(ChildAggregator aggregator) {
        List<ApiClient.Answer> answers = new ArrayList<>();
        while (aggregator.alive()) {
            try {
                answers.add(aggregator.endpoint().api().get("/health"));
            } catch (RuntimeException e) {
                // The server has stopped listening: the process is on its way out.
            }
        }
        return answers;
    }
}
