package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.aggregator.kafka.EventConsumer;
import io.gemtrack.events.Bounds;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.EventStamper;
import io.gemtrack.events.MalformedEventException.Kind;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.OutOfBoundsRecord;
import io.gemtrack.testkit.TestKafka;
import io.gemtrack.testkit.TopicRecords;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The poison pills a hostile producer sent a running {@code gemtrack aggregate} (a child JVM, through a real broker,
 * the bytes as Kafka's console producer would send them), among the events of healthy hosts: sizes near 2^63 pinned
 * twice, a snapshot with mappings at the bound and one more {@code GemMmap}, a {@code seq} near its bound and a new
 * boot, thousands of objects at the byte bound, a record just under the events topic's limit, a rejected snapshot
 * that starts a new boot, a 5 MB {@code comm} and host names a label cannot hold, objects on undeclared devices and
 * beyond a region's capacity, and four HTTP clients that never finish their requests. Throughout, the consumer is
 * alive and answers, the healthy hosts equal their fold, every checkpoint round is written; killed and started again,
 * the aggregator restores the same, and no checkpoint round kills it.
 */
@ExtendWith(KafkaExtension.class)
class HostileStreamIT {

    private static final String TOPIC = "hostile-stream-it.events";
    private static final String GROUP = "hostile-stream-it";
    private static final int PARTITIONS = 4;
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(300);
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final Path LOGS = Path.of("target", "reliability", "hostile-stream");
    private static final long PAGE = EventBody.PAGE_SIZE;
    private static final long NEAR_2_63 = 9_223_372_036_854_771_712L;
    /** Objects at the byte bound on one host: their sizes add up to more than 2^63. */
    private static final int MANY_OBJECTS = 2_100;
    /** The half-open requests that once held every worker thread of the HTTP server. */
    private static final int HALF_OPEN_CLIENTS = 4;

    private final EventCodec codec = new EventCodec();

    @Test
    void noPoisonPillStopsTheAggregatorOrTouchesTheOtherHostsAndNoRestartMeetsOneAgain(TestKafka kafka) throws Exception {
        String bootstrapServers = kafka.bootstrapServers();
        KafkaSettings settings = KafkaSettings.bootstrap(bootstrapServers);
        List<Event> healthy = FleetStream.events(3, 21, 300, 1_500);
        FromScratchFold fold = FromScratchFold.of(healthy);
        List<Poison> poison = poison();

        List<Socket> halfOpen = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(settings, TOPIC, TopicLayout.partitions(PARTITIONS));
             KafkaProducer<String, byte[]> raw = rawProducer(settings);
             CheckpointStore checkpoints = new CheckpointStore(settings, Topics.checkpointsOf(TOPIC))) {
            try (ChildAggregator first = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL,
                    ChildAggregator.ROOMY_HEAP, LOGS.resolve("first.log"))) {
                for (int i = 0; i < HALF_OPEN_CLIENTS; i++) {
                    halfOpen.add(halfOpenRequest(first.endpoint()));
                }
                int chunk = healthy.size() / (poison.size() + 1);
                for (int i = 0; i < poison.size(); i++) {
                    FleetStream.publishPaced(publisher, healthy.subList(i * chunk, (i + 1) * chunk));
                    Poison pill = poison.get(i);
                    for (byte[] record : pill.records()) {
                        raw.send(new ProducerRecord<>(TOPIC, pill.host(), record));
                    }
                    raw.flush();
                    assertAlive(first, "after the poison of " + pill.host());
                }
                FleetStream.publishPaced(publisher, healthy.subList(poison.size() * chunk, healthy.size()));

                Await.until("every healthy host's last seq applied (log: " + first.log() + ")", CATCH_UP,
                        () -> healthySeqs(first.endpoint(), fold), fold.lastSeqs()::equals);
                awaitDeadLetters(kafka.clientConfig(), poison);
                Map<Integer, Long> ends = endOffsets(settings);
                Await.until("a checkpoint round of every partition that covers every record", CATCH_UP,
                        () -> resumeOffsets(checkpoints), ends::equals);
                assertAlive(first, "after the checkpoint rounds that followed the poison");
                fold.assertHeldBy(first.endpoint(), fold.hosts());
                assertPoisonedHostsAsTheyShouldBe(first.endpoint());
                first.kill();
            }
            for (Socket client : halfOpen) {
                client.close();
            }

            try (ChildAggregator successor = ChildAggregator.start(bootstrapServers, TOPIC, GROUP, CHECKPOINT_INTERVAL,
                    ChildAggregator.ROOMY_HEAP, LOGS.resolve("successor.log"))) {
                Await.until("every host restored by the successor (log: " + successor.log() + ")", CATCH_UP,
                        () -> healthySeqs(successor.endpoint(), fold), fold.lastSeqs()::equals);
                // Several checkpoint rounds of what it restored: the ones that once killed a restarted aggregator.
                Thread.sleep(10 * CHECKPOINT_INTERVAL.toMillis());
                assertAlive(successor, "after the successor's checkpoint rounds");
                fold.assertHeldBy(successor.endpoint(), fold.hosts());
                assertPoisonedHostsAsTheyShouldBe(successor.endpoint());
                assertThat(TopicRecords.readAll(kafka.clientConfig(), TOPIC + ".dlq")).as("no record met again after the restart")
                        .hasSize(poison.stream().mapToInt(pill -> pill.deadLetters().size()).sum());
            }
        }
    }

    /**
     * A pill: records of one host, as bytes, and the dead letters they must give. Valid events go as their encoding, with
     * the seq the host would give them; the records beyond a bound take none (the model never sees them).
     */
    private record Poison(String host, List<byte[]> records, List<String> deadLetters) {
    }

    private List<Poison> poison() {
        List<Poison> poison = new ArrayList<>();
        // 1. A size near 2^63 pinned twice, and a pin of a page of it: the first two are out of bounds, the third names
        //    an object that does not exist.
        EventStamper size = new EventStamper("poison-size", "boot-1");
        poison.add(new Poison(size.host(), List.of(valid(size, new ProcessFork(100, 1, "app", false)),
                valid(size, new DrmFileOpen(100, 3, 1, 0)),
                beyond(size, new GemCreate(1, 0, "vram", PAGE, 100, 1, 1), "sizeBytes", NEAR_2_63),
                beyond(size, new GemPin(1, PAGE), "bytes", NEAR_2_63),
                valid(size, new GemPin(1, PAGE))),
                List.of(Kind.OUT_OF_BOUNDS.name(), Kind.OUT_OF_BOUNDS.name(), EventConsumer.MODEL_INVARIANT)));
        // 1. Mappings at the bound of one mm and one GemMmap more, which made every checkpoint of the host fail; and a
        //    snapshot with Integer.MAX_VALUE mappings.
        EventStamper mappings = new EventStamper("poison-mappings", "boot-1");
        HostSnapshot mappedToTheBound = new HostSnapshot(new HostMemory(16L << 30, 0), List.of(),
                List.of(new SnapshotProcess(100, 1, "mapper", List.of(), 0, new MmCounters(100, 0, 0, 0, 0, 0, 0),
                        List.of(new SnapshotFd(3, 1, 0)), List.of(new SnapshotMapping(1, Bounds.MAX_MAPPINGS)))),
                List.of(new SnapshotFile(1, 0, List.of(new SnapshotHandle(1, 1)))),
                List.of(new SnapshotObject(1, 0, "vram", 1L << 20, 100, true, 0)), List.of(), List.of());
        poison.add(new Poison(mappings.host(), List.of(valid(mappings, mappedToTheBound), valid(mappings, new GemMmap(100, 1)),
                beyond(mappings, mappedToTheBound, "count", Integer.MAX_VALUE)),
                List.of(EventConsumer.MODEL_INVARIANT, Kind.OUT_OF_BOUNDS.name())));
        // 2. A seq beyond its bound, one at it, and a new boot: the scrape answered 500 for every host after that.
        EventStamper seq = new EventStamper("poison-seq", "boot-1");
        EventStamper atTheBound = new EventStamper(seq.host(), "boot-1", Bounds.MAX_SEQ);
        poison.add(new Poison(seq.host(), List.of(valid(seq, new ProcessFork(100, 1, "app", false)),
                OutOfBoundsRecord.of(new EventStamper(seq.host(), "boot-1", 1).stamp(2_000, new ProcessFork(101, 1, "x", false)), "seq",
                        Long.toString(Long.MAX_VALUE)),
                valid(atTheBound, new ProcessFork(102, 1, "late", false)),
                valid(new EventStamper(seq.host(), "boot-2"), new ProcessFork(200, 1, "init", false))),
                List.of(Kind.OUT_OF_BOUNDS.name())));
        // 3. Objects at the byte bound whose sizes, resident bytes and charges add up to more than 2^63.
        EventStamper sums = new EventStamper("poison-sums", "boot-1");
        List<byte[]> many = new ArrayList<>(List.of(valid(sums, new HostMemory(Bounds.MAX_BYTES, Bounds.MAX_BYTES)),
                valid(sums, new ProcessFork(100, 1, "hoarder", false)), valid(sums, new DrmFileOpen(100, 3, 1, 0))));
        for (int object = 1; object <= MANY_OBJECTS; object++) {
            many.add(valid(sums, new GemCreate(object, 0, "vram", Bounds.MAX_BYTES, 100, 1, object)));
            many.add(valid(sums, new GemPin(object, Bounds.MAX_BYTES)));
        }
        many.add(valid(sums, new MmCounters(100, 0, Bounds.MAX_BYTES, 0, Bounds.MAX_BYTES, Bounds.MAX_BYTES, Bounds.MAX_PAGES)));
        poison.add(new Poison(sums.host(), many, List.of()));
        // 4. A record just under the events topic's limit: its dead letter, headers added, was larger.
        byte[] large = new byte[1_048_588 - 61 - 32 - "poison-large".length()];
        Arrays.fill(large, (byte) '#');
        poison.add(new Poison("poison-large", List.of(large), List.of(Kind.NOT_JSON.name())));
        // 5. A rejected snapshot that starts a new boot: the host was left synchronised and empty.
        List<Event> basic = BasicScenario.events("poison-new-boot", "boot-1");
        List<byte[]> newBoot = new ArrayList<>(basic.stream().map(codec::encode).toList());
        newBoot.add(valid(new EventStamper("poison-new-boot", "boot-2"), new HostSnapshot(new HostMemory(16L << 30, 0), List.of(),
                List.of(new SnapshotProcess(100, 1, "x", List.of(), 0, new MmCounters(100, 0, 0, 0, 0, 0, 0),
                        List.of(new SnapshotFd(3, 9, 0)), List.of())), List.of(), List.of(), List.of(), List.of())));
        poison.add(new Poison("poison-new-boot", newBoot, List.of(EventConsumer.MODEL_INVARIANT)));
        // 6. A 5 MB comm, which made every scrape 31 MB, and host names that /metrics, the API or a URL cannot hold.
        EventStamper strings = new EventStamper("poison-strings", "boot-1");
        poison.add(new Poison(strings.host(), List.of(
                beyond(strings, new ProcessFork(100, 1, "x", false), "comm", "\"" + "c".repeat(5 << 20) + "\""),
                beyond(strings, new ProcessFork(101, 1, "x", false), "host", "\"\\ud800\""),
                beyond(strings, new ProcessFork(102, 1, "x", false), "host", "\"\\udc00\""),
                beyond(strings, new ProcessFork(103, 1, "x", false), "host", "\"rack/7\"")),
                List.of(Kind.OUT_OF_BOUNDS.name(), Kind.INVALID_VALUE.name(), Kind.INVALID_VALUE.name(), Kind.INVALID_VALUE.name())));
        // 7. Objects on a device and in a region no DrmDeviceAdded declared, and more pinned than a region holds.
        EventStamper devices = new EventStamper("poison-devices", "boot-1");
        poison.add(new Poison(devices.host(), List.of(valid(devices, new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 1L << 30)))),
                valid(devices, new ProcessFork(100, 1, "app", false)), valid(devices, new DrmFileOpen(100, 3, 1, 0)),
                valid(devices, new GemCreate(1, 1, "vram", 1L << 20, 100, 1, 1)),
                valid(devices, new GemCreate(2, 0, "gtt", 1L << 20, 100, 1, 2)),
                valid(devices, new GemCreate(3, 0, "vram", 1L << 30, 100, 1, 3)),
                valid(devices, new GemPin(3, 1L << 29)),
                valid(devices, new GemPin(3, (1L << 29) + PAGE))),
                List.of(EventConsumer.MODEL_INVARIANT, EventConsumer.MODEL_INVARIANT, EventConsumer.MODEL_INVARIANT)));
        return poison;
    }

    private byte[] valid(EventStamper stamper, EventBody body) {
        return codec.encode(stamper.stamp(1_000_000 + stamper.nextSeq() % 1_000_000, body));
    }

    /** A record beyond a bound: it never reaches the model, so it takes no seq of the host's. */
    private static byte[] beyond(EventStamper stamper, EventBody body, String field, Object value) {
        return OutOfBoundsRecord.of(new EventStamper(stamper.host(), stamper.bootId(), stamper.nextSeq()).stamp(1_000, body), field,
                value.toString());
    }

    /** What each poisoned host holds, to the byte where it matters, before and after the restart. */
    private static void assertPoisonedHostsAsTheyShouldBe(AggregatorEndpoint aggregator) {
        ApiClient api = aggregator.api();
        JsonNode size = api.get("/api/hosts/poison-size").body();
        assertThat(size.get("gemObjects").asLong()).isZero();
        assertThat(size.get("synchronised").asBoolean()).isTrue();

        JsonNode mapped = api.get("/api/hosts/poison-mappings/buffers/1").body();
        assertThat(mapped.get("mappings").asLong()).as("mappings of the object at the bound").isEqualTo(Bounds.MAX_MAPPINGS);

        JsonNode seq = api.get("/api/hosts/poison-seq").body();
        assertThat(seq.get("bootId").asText()).isEqualTo("boot-2");
        assertThat(seq.get("sequenceGaps").asLong()).as("the seq at its bound, a gap").isEqualTo(Bounds.MAX_SEQ - 1);

        JsonNode sums = api.get("/api/hosts/poison-sums").body();
        assertThat(sums.get("gemObjects").asLong()).isEqualTo(MANY_OBJECTS);
        for (String figure : List.of("gemBytes", "residentBytes")) {
            assertThat(sums.get(figure).asLong()).as(figure).isEqualTo(Long.MAX_VALUE);
        }
        assertThat(sums.get("charged").get("holder").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(sums.get("quarantined").asBoolean()).isFalse();

        JsonNode newBoot = api.get("/api/hosts/poison-new-boot").body();
        assertThat(newBoot.get("bootId").asText()).as("the boot whose snapshot was rejected never started").isEqualTo("boot-1");
        assertThat(newBoot.get("gemBytes").asLong()).isEqualTo(BasicScenario.SHARED_BUFFER_BYTES);

        JsonNode devices = api.get("/api/hosts/poison-devices/buffers").body().get("buffers");
        assertThat(devices).singleElement().satisfies(buffer -> {
            assertThat(buffer.get("object").asLong()).isEqualTo(3);
            assertThat(buffer.get("residentBytes").asLong()).isEqualTo(1L << 29);
        });
        assertThat(api.get("/api/hosts").body()).extracting(host -> host.get("host").asText())
                .as("no host of a name that is no label").doesNotContain("?", "rack/7").doesNotContain("poison-strings", "poison-large");

        Exposition metrics = Exposition.scrape(aggregator.metricsUrl());
        assertThat(metrics.text().length()).as("the scrape, with a 5 MB comm sent").isLessThan(1 << 20);
        assertThat(metrics.samples()).filteredOn(sample -> sample.name().startsWith("gemtrack_"))
                .allSatisfy(sample -> assertThat(sample.value()).as("%s%s", sample.name(), sample.labels()).isNotNegative());
        assertThat(metrics.value("gemtrack_host_gem_bytes", "host", "poison-sums")).contains((double) Long.MAX_VALUE);
        assertThat(metrics.sum("gemtrack_host_quarantined")).as("hosts quarantined").isZero();
    }

    /** The consumer consumes, /health and /metrics answer, and the process has not exited. */
    private static void assertAlive(ChildAggregator aggregator, String when) {
        assertThat(aggregator.alive()).as("the aggregator runs %s (log: %s)", when, aggregator.log()).isTrue();
        ApiClient.Answer health = aggregator.endpoint().api().get("/health");
        assertThat(health.status()).as("/health %s: %s", when, health.body()).isEqualTo(200);
        assertThat(Exposition.scrape(aggregator.endpoint().metricsUrl()).value("gemtrack_consumer_up")).as("consumer up %s", when)
                .contains(1.0);
    }

    private static Map<String, Long> healthySeqs(AggregatorEndpoint aggregator, FromScratchFold fold) {
        Map<String, Long> seqs = new TreeMap<>(aggregator.lastSeqs());
        seqs.keySet().retainAll(fold.hosts());
        return seqs;
    }

    private static void awaitDeadLetters(Map<String, Object> clientConfig, List<Poison> poison) throws InterruptedException {
        Map<String, Long> expected = poison.stream().flatMap(pill -> pill.deadLetters().stream())
                .collect(Collectors.groupingBy(reason -> reason, TreeMap::new, Collectors.counting()));
        Await.until("the poison's dead letters, by reason", CATCH_UP, () -> TopicRecords.readAll(clientConfig, TOPIC + ".dlq")
                        .stream().collect(Collectors.groupingBy(record -> TopicRecords.header(record, DeadLetterPublisher.REASON_HEADER),
                                TreeMap::new, Collectors.counting())),
                expected::equals);
    }

    /**
     * Sends records as they are, as Kafka's console producer would. Compressed, and with a request size beyond the
     * broker's record limit: a 5 MB comm reaches the events topic as a few kilobytes of gzip.
     */
    private static KafkaProducer<String, byte[]> rawProducer(KafkaSettings settings) {
        return new KafkaProducer<>(settings.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20)), new StringSerializer(), new ByteArraySerializer());
    }

    /** A client that sends part of its request headers and then nothing, holding its connection open. */
    private static Socket halfOpenRequest(AggregatorEndpoint aggregator) throws IOException {
        Socket client = new Socket("127.0.0.1", aggregator.port());
        client.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        return client;
    }

    private static Map<Integer, Long> endOffsets(KafkaSettings settings) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumer(Map.of()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                    .map(partition -> new TopicPartition(TOPIC, partition.partition())).toList();
            Map<Integer, Long> ends = new TreeMap<>();
            consumer.endOffsets(partitions).forEach((partition, end) -> ends.put(partition.partition(), end));
            return ends;
        }
    }

    private static Map<Integer, Long> resumeOffsets(CheckpointStore checkpoints) {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            int owner = partition;
            offsets.put(owner, checkpoints.read(partition).resumeAt().orElse(0));
        }
        return offsets;
    }
}
