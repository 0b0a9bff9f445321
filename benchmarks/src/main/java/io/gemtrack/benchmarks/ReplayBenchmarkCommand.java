package io.gemtrack.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.kafka.AggregatorTopics;
import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.BusyHost;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Time travel on a large host: on one embedded broker, a {@link BusyHost} built to {@code --processes} x
 * {@code --objects-per-process} live objects through the events topic, the host's checkpoint written to the checkpoint
 * history (by the {@link CheckpointStore} an aggregator writes it with), then {@code --events-after} more events (pins
 * and unpins of random objects); then an aggregator, and {@code ?at=} questions through its HTTP API: just after the
 * checkpoint, after every later event (the most to fold from the checkpoint), that instant again (cached), and half-way
 * through the build (from the log's start, as every question was folded before there was a history). Also, in this
 * process, the whole host as of the checkpoint folded from the log's start, with no checkpoint. Prints each question's
 * wall time and the heap it needed.
 */
@Command(name = "replay-benchmark", mixinStandardHelpOptions = true,
        description = {"Measure ?at= answers on a large host (a million objects by default) through an aggregator's HTTP API on"
                + " an embedded broker: from a history checkpoint with few and many events to fold, cached, and from the log's"
                + " start. Prints wall time and heap per question."})
public final class ReplayBenchmarkCommand implements Callable<Integer> {

    private static final String TOPIC = "replay-benchmark.events";
    private static final Duration CATCH_UP = Duration.ofMinutes(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--processes", defaultValue = "1000", description = "Processes of the busy host (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = "--objects-per-process", defaultValue = "1000", description = "Objects each creates (default: ${DEFAULT-VALUE}).")
    int objectsPerProcess;

    @Option(names = "--events-after", defaultValue = "1000000",
            description = "Events after the checkpoint: pins and unpins of random objects (default: ${DEFAULT-VALUE}).")
    int eventsAfter;

    private final JsonMapper mapper = new JsonMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One question's figures. */
    private record Answer(String question, double seconds, long heapBytes, JsonNode body) {
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BusyHost shape = new BusyHost(processes, objectsPerProcess);
        out.printf("machine: %s; load average %s%n", BenchCommand.machine(), CollectorFootprintCommand.loadAverage());
        try (KafkaBroker broker = KafkaBroker.startTemporary()) {
            KafkaSettings kafka = KafkaSettings.bootstrap(broker.bootstrapServers());
            AggregatorTopics topics = new AggregatorTopics(TOPIC, TOPIC + ".dlq");
            try (Admin admin = Admin.create(kafka.admin())) {
                topics.create(admin, TopicLayout.partitions(1));
            }
            long started = System.nanoTime();
            long[] lastSeq = {0};
            long[] published = {0};
            long halfBuilt;
            try (EventPublisher publisher = new EventPublisher(kafka, TOPIC, TopicLayout.partitions(1))) {
                long half = shape.objects() / 2;
                long[] created = {0};
                long[] halfAt = {0};
                shape.events(event -> {
                    publisher.publish(event);
                    published[0]++;
                    lastSeq[0] = event.seq();
                    if (event.body() instanceof EventBody.GemCreate && ++created[0] == half) {
                        publisher.flushExpectingNoFailure();
                        halfAt[0] = System.currentTimeMillis();
                    }
                });
                publisher.flushExpectingNoFailure();
                halfBuilt = halfAt[0];
            }
            out.printf("host: %,d processes, %,d objects, %,d events published in %.1f s%n", processes, shape.objects(), published[0],
                    (System.nanoTime() - started) / 1e9);

            long checkpointed = writeHistoryCheckpoint(kafka, topics, shape, out);
            Thread.sleep(5);
            long afterCheckpoint = System.currentTimeMillis();
            Thread.sleep(5);
            started = System.nanoTime();
            try (EventPublisher publisher = new EventPublisher(kafka, TOPIC, TopicLayout.partitions(1))) {
                SplittableRandom random = new SplittableRandom(1);
                for (int event = 0; event < eventsAfter; event += 2) {
                    long object = 1 + random.nextLong(shape.objects());
                    publisher.publish(next(lastSeq, new GemUnpin(object, EventBody.PAGE_SIZE)));
                    publisher.publish(next(lastSeq, new GemPin(object, EventBody.PAGE_SIZE)));
                }
                publisher.flushExpectingNoFailure();
            }
            Thread.sleep(5);
            long afterAll = System.currentTimeMillis();
            out.printf("%,d events after the checkpoint published in %.1f s%n", eventsAfter, (System.nanoTime() - started) / 1e9);

            // Live checkpoints an hour apart: the questions are to start from the history's checkpoint or the log's start.
            Aggregator.Config config = new Aggregator.Config(kafka, "replay-benchmark", TOPIC, TOPIC + ".dlq", "127.0.0.1", 0,
                    AggregatorMetrics.DEFAULT_TOP_PROCESSES, Duration.ofHours(1)).withCheckpointHistoryInterval(Duration.ZERO);
            try (Aggregator aggregator = new Aggregator(config)) {
                started = System.nanoTime();
                awaitCaughtUp(aggregator.httpPort(), lastSeq[0]);
                out.printf("aggregator caught up in %.1f s; load average %s%n", (System.nanoTime() - started) / 1e9,
                        CollectorFootprintCommand.loadAverage());
                List<Answer> answers = List.of(
                        ask(aggregator.httpPort(), "just after the checkpoint", afterCheckpoint),
                        ask(aggregator.httpPort(), "after every later event", afterAll),
                        ask(aggregator.httpPort(), "the same again (cached)", afterAll),
                        ask(aggregator.httpPort(), "half-way through the build", halfBuilt));
                out.printf("%-34s %-12s %12s %14s %12s %10s %12s%n", "?at= through the API", "from", "start", "records read",
                        "objects", "wall s", "heap MiB");
                for (Answer answer : answers) {
                    JsonNode body = answer.body();
                    out.printf("%-34s %-12s %,12d %,14d %,12d %10.2f %12.0f%n", answer.question(), body.get("foldStart").get("from").asText(),
                            body.get("foldStart").get("offset").asLong(), body.get("recordsRead").asLong(),
                            body.get("state").get("gemObjects").asLong(), answer.seconds(), answer.heapBytes() / 1048576.0);
                }
                Answer scratch = foldFromLogStart(kafka, checkpointed);
                out.printf("%-34s %-12s %,12d %,14d %,12d %10.2f %12.0f%n", "as of the checkpoint, in-process", "log start", 0,
                        scratch.body().get("recordsRead").asLong(), scratch.body().get("gemObjects").asLong(), scratch.seconds(),
                        scratch.heapBytes() / 1048576.0);
                out.printf("load average after: %s%n", CollectorFootprintCommand.loadAverage());
                aggregator.close(Duration.ofMinutes(1));
            }
        }
        return 0;
    }

    private static Event next(long[] lastSeq, EventBody body) {
        lastSeq[0]++;
        return new Event(BusyHost.NAME, BusyHost.BOOT, lastSeq[0], lastSeq[0], body);
    }

    /**
     * The host folded as the aggregator folds it, checkpointed into the history as covering every record so far; the
     * model is dropped before the questions.
     *
     * @return when the checkpoint was written
     */
    private long writeHistoryCheckpoint(KafkaSettings kafka, AggregatorTopics topics, BusyHost shape, PrintWriter out) {
        long started = System.nanoTime();
        HostModel model = BusyHostModel.fold(shape);
        long objects = model.liveObjects();
        long covered;
        try (HostReplay replay = new HostReplay(kafka, TOPIC, List.of())) {
            covered = replay.throughOffset(BusyHost.NAME, Long.MAX_VALUE);
        }
        try (CheckpointStore history = new CheckpointStore(kafka, topics.checkpointHistory())) {
            if (!history.writeRound(0, List.of(new CheckpointStore.Entry(model.checkpoint(), Optional.empty())), covered).complete()) {
                throw new IllegalStateException("the history checkpoint of " + BusyHost.NAME + " was not stored");
            }
        }
        long written = System.currentTimeMillis();
        out.printf("history checkpoint of %,d objects covering offset %,d written in %.1f s%n", objects, covered,
                (System.nanoTime() - started) / 1e9);
        return written;
    }

    /** For comparison: the host as of its checkpoint, folded in this process from the log's start, with no checkpoint. */
    private Answer foldFromLogStart(KafkaSettings kafka, long at) {
        long baseline = heapBaseline();
        long started = System.nanoTime();
        try (HostReplay replay = new HostReplay(kafka, TOPIC, List.of())) {
            HostReplay.Result result = replay.replay(BusyHost.NAME, at);
            double seconds = (System.nanoTime() - started) / 1e9;
            long heap = peakHeap() - baseline;
            return new Answer("log start", seconds, heap, mapper.createObjectNode().put("recordsRead", result.recordsRead())
                    .put("gemObjects", result.model().liveObjects()));
        }
    }

    private Answer ask(int port, String question, long at) throws Exception {
        long baseline = heapBaseline();
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/hosts/"
                + BusyHost.NAME + "?at=" + at)).timeout(HostReplay.MAX_TIME.plusSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - started) / 1e9;
        long heap = peakHeap() - baseline;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(question + ": HTTP " + response.statusCode() + ": " + response.body());
        }
        return new Answer(question, seconds, heap, mapper.readTree(response.body()));
    }

    private void awaitCaughtUp(int port, long lastSeq) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/hosts"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode host : mapper.readTree(response.body())) {
                if (host.get("lastSeq").asLong() == lastSeq) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the aggregator did not catch up within " + CATCH_UP);
    }

    /**
     * The heap in use after full collections, with the heap pools' peaks reset to it: what a question adds to it is its
     * peak less this (an upper bound, since the peak also holds the question's garbage not yet collected).
     */
    private static long heapBaseline() {
        long used = BusyHost.usedHeapAfterGc();
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
        return used;
    }

    private static long peakHeap() {
        return heapPools().stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    }
}
