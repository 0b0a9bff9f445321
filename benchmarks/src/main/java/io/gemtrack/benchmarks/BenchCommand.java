package io.gemtrack.benchmarks;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.kafka.AppliedListener;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.cli.KafkaOptions;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaErrors;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.BusyHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The end-to-end harness: on one embedded broker, Kafka's own perf tools and then gemtrack's producer and
 * aggregator on the same records, so the ratios say how close gemtrack comes to what the broker can do here.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure gemtrack against Kafka's own ProducerPerformance and ConsumerPerformance on one embedded broker "
                + "(or on the cluster the Kafka options name), each run twice in its JVM (cold, then warm); then end-to-end "
                + "latency at a fixed rate, heap bytes per live GEM object and snapshot recovery time. Takes about a minute.",
                "Prints the ratios and a Markdown table for BENCHMARKS.md. JMH micro-benchmarks: gemtrack jmh."})
public final class BenchCommand implements Callable<Integer> {

    private static final Duration APPLY_TIMEOUT = Duration.ofMinutes(5);
    private static final String WARM_UP = "warm-up-";
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(names = "--events", defaultValue = "500000", description = "Events (and Kafka tool records) per throughput run (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--partitions", defaultValue = "8", description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--latency-rate", defaultValue = "20000", description = "Events per second of the latency run (default: ${DEFAULT-VALUE}).")
    int latencyRate;

    @Option(names = "--latency-seconds", defaultValue = "10", description = "Length of the latency run (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    /** What the throughput steps send: a steady fleet, or the host-churn workload of the earlier benchmarks. */
    enum WorkloadKind {
        steady, churn
    }

    @Option(names = "--workload", defaultValue = "steady",
            description = "steady: --hosts long-lived emulated hosts (mixed scenario, booted before the timing) and a boot every"
                    + " --boot-every events; churn: a new BasicScenario host every 19 events (default: ${DEFAULT-VALUE}).")
    WorkloadKind workloadKind;

    @Option(names = "--hosts", defaultValue = "10000", description = "Hosts of the steady fleet (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--boot-every", defaultValue = "10000",
            description = "Events of the steady fleet between two new hosts' boots (default: ${DEFAULT-VALUE}).")
    long bootEvery;

    @Option(names = "--objects", defaultValue = "1000000",
            description = "Live GEM objects of the host whose heap and snapshot recovery are measured (default: ${DEFAULT-VALUE}).")
    int objects;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        validate();
        // The aggregators' notes on taking over partitions would land in the middle of the progress lines.
        System.setProperty("org.slf4j.simpleLogger.log.io.gemtrack.aggregator", "warn");
        Workload workload = workloadKind == WorkloadKind.steady ? Workload.steadyFleet(hosts, events, bootEvery)
                : Workload.ofAtLeast(events);
        long records = workload.size();
        out.printf("gemtrack bench: %,d events of %.0f bytes on average, %d partitions%n", records, workload.averageRecordBytes(), partitions);
        out.printf("workload: %s%n", workloadKind == WorkloadKind.steady ? String.format("steady fleet: %,d hosts of the emulator's mixed"
                + " scenario booted first (%,d events, not timed), then their actions in turn, a new host booting every %,d events",
                hosts, workload.setup().size(), bootEvery) : "host churn: a new BasicScenario host every 19 events");
        out.printf("machine: %s%n", machine());
        out.println("each throughput step runs twice in its JVM: cold, then warm (on code the first run compiled)");
        out.flush();
        BenchResult result;
        KafkaSettings given = kafkaOptions.settings();
        try (KafkaBroker broker = given.namesBootstrapServers() ? null : KafkaBroker.startTemporary()) {
            KafkaSettings kafka = broker == null ? given : given.withBootstrapServers(broker.bootstrapServers());
            // A cluster of one's own may hold an earlier run's topics, which would skew every figure: this run's are
            // new, and deleted at its end.
            BenchTopics topics = broker == null ? BenchTopics.ofRun(UUID.randomUUID().toString().substring(0, 8)) : BenchTopics.EMBEDDED;
            out.printf("%s at %s%n", broker == null ? "cluster" : "embedded broker", kafka.bootstrapServers());
            KafkaPerfTools tools = new KafkaPerfTools(kafka, EventPublisher.DEFAULTS);
            try {
                createTopics(kafka, topics.perf(), topics.perf() + KafkaPerfTools.WARM_UP_SUFFIX, topics.events(),
                        topics.firstRun(), topics.latency());
                result = measure(out, workload, kafka, tools, topics);
            } finally {
                if (broker == null) {
                    deleteRun(kafka, topics);
                }
            }
        }
        result.print(out);
        out.flush();
        return 0;
    }

    private BenchResult measure(PrintWriter out, Workload workload, KafkaSettings kafka, KafkaPerfTools tools, BenchTopics topics)
            throws Exception {
        long records = workload.size();
        Runs<Double> kafkaProducer = step(out, "1/6 Kafka ProducerPerformance", () -> tools.producerRecordsPerSecond(
                topics.perf(), records, payloadFile(workload)), rates("records/s"));
        List<Event> firstRunSetup = workload.setup().stream().map(BenchCommand::renamed).toList();
        List<Event> firstRunEvents = workload.events().stream().map(BenchCommand::renamed).toList();
        Runs<Double> gemtrackProducer = step(out, "2/6 gemtrack producer", () -> new Runs<>(
                produce(kafka, topics.firstRun(), firstRunSetup, firstRunEvents),
                produce(kafka, topics.events(), workload.setup(), workload.events())),
                rates("events/s"));
        Runs<Double> kafkaConsumer = step(out, "3/6 Kafka ConsumerPerformance",
                () -> tools.consumerRecordsPerSecond(topics.perf(), records), rates("records/s"));
        Runs<AggregatorRun> gemtrackAggregator = step(out, "4/6 gemtrack aggregator", () -> {
            AggregatorRun first = aggregate(kafka, topics.firstRun(), firstRunSetup.size(), firstRunEvents.size());
            // The first run's model is garbage now: collected here, not by a full collection inside the second.
            System.gc();
            return new Runs<>(first, aggregate(kafka, topics.events(), workload.setup().size(), records));
        }, runs -> String.format("cold %s; warm %s", aggregatorRun(runs.cold(), records), aggregatorRun(runs.warm(), records)));
        Latency latency = latency(out, kafka, topics.latency());
        out.printf("6/6 model memory and snapshot recovery, %,d objects ...%n", objects);
        out.flush();
        BusyHost host = new BusyHost(1_000, Math.max(1, objects / 1_000));
        return new BenchResult(records, workload.averageRecordBytes(), partitions, kafkaProducer, gemtrackProducer,
                kafkaConsumer, gemtrackAggregator, latencyRate, latency, host.objects(), BusyHostModel.heapBytesPerObject(host), recovery(host));
    }

    /**
     * The topics of a run: on the embedded broker the same every time; on a cluster of one's own named for the run
     * ({@code bench.<run>.}), so that none holds an earlier run's records.
     *
     * @param prefix what the name of every topic and consumer group of the run starts with, the aggregators' own too
     */
    record BenchTopics(String prefix) {
        static final BenchTopics EMBEDDED = new BenchTopics("bench.");

        static BenchTopics ofRun(String run) {
            return new BenchTopics("bench." + run + ".");
        }

        String perf() {
            return prefix + "perf";
        }

        String events() {
            return prefix + "events";
        }

        /** gemtrack's first runs (see {@link Runs}) use this topic and other host names. */
        String firstRun() {
            return prefix + "first-run";
        }

        String latency() {
            return prefix + "latency";
        }
    }

    /** Deletes the run's topics and consumer groups from a cluster of one's own. */
    private static void deleteRun(KafkaSettings kafka, BenchTopics topics) {
        try (Admin admin = Admin.create(kafka.admin())) {
            List<String> groups = admin.listGroups().all().get().stream().map(GroupListing::groupId)
                    .filter(group -> group.startsWith(topics.prefix())).toList();
            admin.deleteConsumerGroups(groups).all().get();
            List<String> ours = admin.listTopics().names().get().stream().filter(name -> name.startsWith(topics.prefix())).toList();
            admin.deleteTopics(ours).all().get();
        } catch (ExecutionException e) {
            throw KafkaErrors.failure("cannot delete this run's topics and groups " + topics.prefix() + "*", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting this run's topics", e);
        }
    }

    /** What the figures depend on, for BENCHMARKS.md: cores, processor, JVM, its heap and its collector. */
    static String machine() {
        String processor = "";
        try (java.util.stream.Stream<String> cpuinfo = Files.lines(Path.of("/proc/cpuinfo"))) {
            processor = cpuinfo.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim() + ", ").orElse("");
        } catch (IOException | UncheckedIOException e) {
            // Not Linux: the core count and the JVM still say most of it.
        }
        String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(" + "));
        return String.format("%d cores, %s%s %s, Java %s, max heap %,d MiB, GC %s", Runtime.getRuntime().availableProcessors(),
                processor, System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, collectors);
    }

    private void validate() {
        requirePositive("--events", events);
        requirePositive("--partitions", partitions);
        requirePositive("--latency-rate", latencyRate);
        requirePositive("--latency-seconds", latencySeconds);
        requirePositive("--objects", objects);
        requirePositive("--hosts", hosts);
        requirePositive("--boot-every", bootEvery);
    }

    private void requirePositive(String option, long value) {
        if (value <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '" + option + "': must be a positive number, was " + value);
        }
    }

    private void createTopics(KafkaSettings kafka, String... names) {
        try (Admin admin = Admin.create(kafka.admin())) {
            for (String name : names) {
                Topics.ensure(admin, Topics.events(name, TopicLayout.partitions(partitions)));
            }
        }
    }

    private static <T> T step(PrintWriter out, String name, Callable<T> measurement, Function<T, String> shown) throws Exception {
        out.printf("%s ...", name);
        out.flush();
        T result = measurement.call();
        out.printf(" %s%n", shown.apply(result));
        out.flush();
        return result;
    }

    private static Function<Runs<Double>, String> rates(String unit) {
        return runs -> String.format("cold %,.0f %s, warm %,.0f %s", runs.cold(), unit, runs.warm(), unit);
    }

    private static String aggregatorRun(AggregatorRun run, long events) {
        return String.format("%,.0f events/s (the machine kept %.2f of %d cores busy, gemtrack %.2f: %.1f µs per event, %,d ms in GC)",
                run.perSecond(), run.cpu().machineCoresBusy(), Runtime.getRuntime().availableProcessors(),
                run.cpu().processCores(), run.cpu().processCpuMicrosPer(events), run.cpu().gcMillis());
    }

    /**
     * A throughput step's two runs in one JVM, Kafka's tools' ({@link WarmedUpTool}) and gemtrack's alike: the first
     * starts cold and compiles the code it runs, the second runs on compiled code. They differ a lot: cold, the JIT's
     * compiler thread took as much CPU as the aggregator's consumer thread (JFR), on a machine with two cores.
     */
    record Runs<T>(T cold, T warm) {
    }

    /** ProducerPerformance draws its payloads from a file, one per line: gemtrack's own encoded events. */
    private static Path payloadFile(Workload workload) throws IOException {
        Path file = Files.createTempFile("gemtrack-bench-payloads", ".jsonl");
        file.toFile().deleteOnExit();
        Files.write(file, workload.encoded().stream().map(bytes -> new String(bytes, StandardCharsets.UTF_8)).toList());
        return file;
    }

    /** Sends {@code setup}, then times sending {@code events}. */
    private double produce(KafkaSettings kafka, String topic, List<Event> setup, List<Event> events) {
        try (EventPublisher publisher = new EventPublisher(kafka, topic, TopicLayout.partitions(partitions))) {
            setup.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
            long start = System.nanoTime();
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
            return perSecond(events.size(), System.nanoTime() - start);
        }
    }

    /**
     * Applied events per second, from the first applied event after the {@code setup} ones to the last, as
     * ConsumerPerformance's fetch rate is timed; and the CPU used in that time.
     */
    private static AggregatorRun aggregate(KafkaSettings kafka, String topic, long setup, long expected) throws InterruptedException {
        AtomicLong applied = new AtomicLong();
        CpuUse.Reading[] firstAndLast = new CpuUse.Reading[2];
        CountDownLatch done = new CountDownLatch(1);
        AppliedListener listener = (record, event) -> {
            long count = applied.incrementAndGet() - setup;
            if (count == 1) {
                firstAndLast[0] = CpuUse.Reading.now();
            }
            if (count == expected) {
                firstAndLast[1] = CpuUse.Reading.now();
                done.countDown();
            }
        };
        try (Aggregator aggregator = new Aggregator(config(kafka, topic), listener)) {
            awaitApplied(done, applied, setup + expected);
        }
        return new AggregatorRun(perSecond(expected - 1, firstAndLast[1].wallNanos() - firstAndLast[0].wallNanos()),
                firstAndLast[0].until(firstAndLast[1]));
    }

    /** The aggregator's rate, and the CPU the machine and gemtrack used while it was timed. */
    record AggregatorRun(double perSecond, CpuUse cpu) {
    }

    /**
     * Record timestamp (set by the producer at send) to applied, at a fixed rate, after a warm-up host; and, for the
     * same records at the same time, to a bare Kafka consumer's poll: the part of the latency that is Kafka's.
     */
    private Latency latency(PrintWriter out, KafkaSettings kafka, String topic) throws InterruptedException {
        long total = (long) latencyRate * latencySeconds;
        out.printf("5/6 end-to-end latency at %,d events/s for %d s ...", latencyRate, latencySeconds);
        out.flush();
        Workload warmUp = Workload.hosts(1);
        Workload measured = Workload.ofAtLeast(total);
        Histogram latency = new Histogram(TimeUnit.MINUTES.toMillis(5), 3);
        AtomicLong applied = new AtomicLong();
        CountDownLatch warm = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        long expected = warmUp.size() + measured.size();
        AppliedListener listener = (record, event) -> {
            long count = applied.incrementAndGet();
            if (count > warmUp.size()) {
                latency.recordValue(Math.max(0, System.currentTimeMillis() - record.timestamp()));
            }
            if (count == warmUp.size()) {
                warm.countDown();
            }
            if (count == expected) {
                done.countDown();
            }
        };
        Latency result;
        try (Aggregator aggregator = new Aggregator(config(kafka, topic), listener);
             EventPublisher publisher = new EventPublisher(kafka, topic, TopicLayout.partitions(partitions));
             KafkaLatencyFloor floor = new KafkaLatencyFloor(kafka, topic, WARM_UP)) {
            warmUp.events().stream().map(BenchCommand::renamed).forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
            awaitApplied(warm, applied, warmUp.size());
            awaitSeen(floor, warmUp.size());
            long interval = TimeUnit.SECONDS.toNanos(1) / latencyRate;
            long start = System.nanoTime();
            List<Event> events = measured.events();
            for (int i = 0; i < events.size(); i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                publisher.publish(events.get(i));
            }
            publisher.flushExpectingNoFailure();
            awaitApplied(done, applied, expected);
            awaitSeen(floor, expected);
            result = new Latency(latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                    floor.percentile(50), floor.percentile(99));
        }
        out.printf(" p50 %d ms, p99 %d ms (a bare Kafka consumer of the same records: p50 %d ms, p99 %d ms)%n",
                result.p50Millis(), result.p99Millis(), result.kafkaP50Millis(), result.kafkaP99Millis());
        return result;
    }

    /** End-to-end latency percentiles, gemtrack's and a bare Kafka consumer's of the same records. */
    record Latency(long p50Millis, long p99Millis, long kafkaP50Millis, long kafkaP99Millis) {
    }

    private static void awaitSeen(KafkaLatencyFloor floor, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        while (floor.seen() < expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the bare Kafka consumer read " + floor.seen() + " of " + expected
                        + " records within " + APPLY_TIMEOUT);
            }
            Thread.sleep(10);
        }
    }

    /** The warm-up host gets a name of its own, so its events never collide with the measured hosts' sequence numbers. */
    private static Event renamed(Event event) {
        return new Event(WARM_UP + event.host(), event.bootId(), event.seq(), event.ts(), event.body());
    }

    private static Aggregator.Config config(KafkaSettings kafka, String topic) {
        return new Aggregator.Config(kafka, topic + ".aggregator-" + UUID.randomUUID(), topic,
                topic + ".dlq", "127.0.0.1", 0);
    }

    private static void awaitApplied(CountDownLatch done, AtomicLong applied, long expected) throws InterruptedException {
        if (!done.await(APPLY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the aggregator applied " + applied.get() + " of " + expected
                    + " events within " + APPLY_TIMEOUT + "; every benchmark event is valid, so some were lost or rejected");
        }
    }

    /** Seconds to decode the busy host's snapshot record and restore a model from it. */
    private static Recovery recovery(BusyHost host) throws MalformedEventException {
        EventCodec codec = new EventCodec();
        HostSnapshot snapshot = host.snapshot();
        byte[] bytes = codec.encode(new Event(BusyHost.NAME, BusyHost.BOOT, 0, 0, snapshot));
        long start = System.nanoTime();
        HostModel model = new HostModel(BusyHost.NAME);
        ApplyResult result = model.apply(codec.decode(bytes));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result != ApplyResult.APPLIED || model.liveObjects() != host.objects()) {
            throw new IllegalStateException("the busy host's snapshot did not restore: " + result);
        }
        return new Recovery(bytes.length, seconds);
    }

    private static double perSecond(long count, long nanos) {
        return count * 1e9 / Math.max(1, nanos);
    }

    record Recovery(long snapshotBytes, double seconds) {
    }
}
