package io.gemtrack.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.gemtrack.aggregator.http.AggregatorHttpServer;
import io.gemtrack.aggregator.http.ApiHandler;
import io.gemtrack.aggregator.http.FleetHistory;
import io.gemtrack.aggregator.http.HealthHandler;
import io.gemtrack.aggregator.kafka.ConsumerStatus;
import io.gemtrack.aggregator.kafka.EventConsumer;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.ProcessExits;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.testkit.BusyHost;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Readers against the fold: a {@link BusyHost} of a million objects in a fleet model, an applier applying pins and
 * unpins of random objects as fast as it can, each as the aggregator's applier applies it ({@link EventConsumer#apply},
 * one hold of the fleet's lock per event), and the aggregator's own HTTP server and API in front of the same model.
 * First each route requested alone (what it costs without waiting for anything), then the applier alone, then with
 * {@code --clients} clients each loading the host page (its five API routes at once, as the web view does) every
 * {@code --interval}, then alone again: the applied rate of each phase, and the clients' page and route latencies.
 * No Kafka: the applier runs faster than a consumer could feed it, so any time a reader holds the lock shows.
 */
@Command(name = "readers-under-load", mixinStandardHelpOptions = true,
        description = {"Measure the JSON API's readers against the fold: each host-page route requested alone, then applied"
                + " events/s on a million-object host with no readers, then with --clients web-view clients polling the"
                + " host page, and their latencies. Takes about 3 x --seconds plus building the host (a minute)."})
public final class ReadersUnderLoadCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--processes", defaultValue = "1000", description = "Processes of the busy host (default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = "--objects-per-process", defaultValue = "1000", description = "Objects each creates (default: ${DEFAULT-VALUE}).")
    int objectsPerProcess;

    @Option(names = "--clients", defaultValue = "10", description = "Web-view clients of the host page (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--interval", defaultValue = "2", description = "Seconds between a client's page loads (default: ${DEFAULT-VALUE}).")
    int intervalSeconds;

    @Option(names = "--seconds", defaultValue = "30", description = "Length of each phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    /** Requests of each route on its own, before the phases: what a route costs without waiting for anything. */
    private static final int ALONE_REQUESTS = 50;

    /** The routes the host page loads at once, as {@code host.js} asks for them. */
    private static List<String> hostPageRoutes(String host) {
        String base = "/api/hosts/" + host;
        return List.of(base, base + "/processes?policy=rfc&limit=1000", base + "/oom", base + "/buffers?sort=size&limit=60",
                base + "/history");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        BusyHost shape = new BusyHost(processes, objectsPerProcess);
        FleetModel fleet = new FleetModel();
        long built = System.nanoTime();
        shape.events(event -> {
            if (fleet.apply(event) != ApplyResult.APPLIED) {
                throw new IllegalStateException("the busy host's " + event.body() + " was not applied");
            }
        });
        out.printf("machine: %s; load average %s%n", BenchCommand.machine(), CollectorFootprintCommand.loadAverage());
        out.printf("host: %,d processes, %,d objects, built in %.1f s%n", processes, shape.objects(), (System.nanoTime() - built) / 1e9);
        PrometheusRegistry registry = new PrometheusRegistry();
        HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
        ProcessExits exits = new ProcessExits();
        SharedFleet shared = new SharedFleet(fleet);
        try (FleetHistory history = FleetHistory.started(shared);
             AggregatorHttpServer server = new AggregatorHttpServer("127.0.0.1", 0, registry,
                     new ApiHandler(shared, history, activity, exits, null), new HealthHandler(new ConsumerStatus()))) {
            out.printf("each route alone (%d requests one at a time, no applier, after %d to warm up):%n", ALONE_REQUESTS,
                    ALONE_REQUESTS);
            Readers.alone(server.port()).forEach((route, nanos) -> out.printf("    %s: %s%n", route, Phase.summary(nanos)));
            Applier applier = new Applier(shared, activity, exits, shape);
            Thread applying = new Thread(applier, "gemtrack-apply");
            applying.start();
            try {
                sleep(Duration.ofSeconds(Math.min(seconds, 10)));
                applier.phase();
                sleep(Duration.ofSeconds(seconds));
                Phase alone = applier.phase();
                out.printf("no readers:   %,.0f events/s applied; %s%n", alone.rate(),
                        alone.latencies());
                Readers readers = new Readers(server.port(), clients, intervalSeconds);
                readers.start();
                sleep(Duration.ofSeconds(seconds));
                Phase read = applier.phase();
                readers.stop();
                out.printf("%d readers:   %,.0f events/s applied (%.3f of no readers); %s%n", clients,
                        read.rate(), read.rate() / alone.rate(), read.latencies());
                out.printf("  page loads (%d routes at once): %s; errors %d%n", hostPageRoutes(BusyHost.NAME).size(),
                        Phase.summary(readers.pages), readers.errors.get());
                out.printf("  each route: %s%n", Phase.summary(readers.routes));
                double otherCpu = (read.processCpuNanos() - read.applierCpuNanos()) - (alone.processCpuNanos() - alone.applierCpuNanos());
                out.printf("  the JVM's CPU besides the applier's, above the phase without readers: %.1f ms per page load%n",
                        otherCpu / 1e6 / Math.max(1, readers.pages.getTotalCount()));
                readers.byRoute.forEach((route, nanos) -> out.printf("    %s: %s%n", route, Phase.summary(nanos)));
                sleep(Duration.ofSeconds(seconds));
                Phase after = applier.phase();
                out.printf("no readers again: %,.0f events/s applied; %s%n", after.rate(), after.latencies());
                out.printf("load average after: %s%n", CollectorFootprintCommand.loadAverage());
            } finally {
                applier.stop.set(true);
                applying.join();
            }
        }
        return 0;
    }

    /**
     * What one phase measured: the applied rate, the distribution of the lock waits, the share of the phase the
     * applier spent waiting for the lock, the applier thread's CPU per event, and the JVM's GC time.
     */
    private record Phase(double rate, Histogram lockWaits, double waitingShare, double cpuNanosPerEvent, long gcMillis,
                         long processCpuNanos, long applierCpuNanos) {

        String latencies() {
            return String.format("lock wait p99.9 %.1f µs, max %.1f ms, %.2f %% of the time; applier CPU %.2f µs/event; %d ms in GC",
                    lockWaits.getValueAtPercentile(99.9) / 1e3, lockWaits.getMaxValue() / 1e6, 100 * waitingShare,
                    cpuNanosPerEvent / 1e3, gcMillis);
        }

        static String summary(Histogram nanos) {
            return String.format("%,d, p50 %.1f ms, p99 %.1f ms, max %.1f ms", nanos.getTotalCount(),
                    nanos.getValueAtPercentile(50) / 1e6, nanos.getValueAtPercentile(99) / 1e6, nanos.getMaxValue() / 1e6);
        }
    }

    /**
     * Pins and unpins random objects, each as the aggregator's applier applies an event, until stopped. Its lock waits
     * are the time of each apply besides the model's own: waiting for the lock, and the bookkeeping of exits and
     * activity around the model.
     */
    private static final class Applier implements Runnable {

        /** Events per receipt, as the aggregator's applier takes a batch of a poll as received at once. */
        private static final int BATCH = 5000;

        private final SharedFleet fleet;
        private final HostActivity activity;
        private final ProcessExits exits;
        private final BusyHost shape;
        private HostActivity.Receipt received = HostActivity.Receipt.now();
        private final SplittableRandom random = new SplittableRandom(1);
        private final AtomicLong applied = new AtomicLong();
        private final Recorder lockWaits = new Recorder(3);
        private final AtomicLong lockWaitNanos = new AtomicLong();
        private volatile long threadId;
        private final AtomicBoolean stop = new AtomicBoolean();
        private long seq;
        private long phaseStart = System.nanoTime();
        private long phaseApplied;
        private long phaseGcMillis = gcMillis();
        private long phaseWaitNanos;
        private long phaseCpuNanos;
        private long phaseProcessCpuNanos = processCpuNanos();

        Applier(SharedFleet fleet, HostActivity activity, ProcessExits exits, BusyHost shape) {
            this.fleet = fleet;
            this.activity = activity;
            this.exits = exits;
            this.shape = shape;
            seq = fleet.read(model -> model.host(BusyHost.NAME).lastSeq()) + 1;
        }

        @Override
        public void run() {
            threadId = Thread.currentThread().getId();
            while (!stop.get()) {
                long object = 1 + random.nextLong(shape.objects());
                apply(new GemUnpin(object, EventBody.PAGE_SIZE));
                apply(new GemPin(object, EventBody.PAGE_SIZE));
            }
        }

        private void apply(EventBody body) {
            Event event = new Event(BusyHost.NAME, BusyHost.BOOT, seq++, seq, body);
            if (seq % BATCH == 0) {
                received = HostActivity.Receipt.now();
            }
            long start = System.nanoTime();
            EventConsumer.Applied outcome = EventConsumer.apply(fleet, exits, activity, event, received.epochMillis(), received);
            long waited = Math.max(0, System.nanoTime() - start - outcome.nanos());
            lockWaits.recordValue(waited);
            lockWaitNanos.addAndGet(waited);
            if (outcome.result() != ApplyResult.APPLIED) {
                throw new IllegalStateException(event + " was not applied: " + outcome.result());
            }
            applied.incrementAndGet();
        }

        /** Ends the phase begun by the last call: its rate and per-event times. */
        synchronized Phase phase() {
            long now = System.nanoTime();
            long count = applied.get();
            long gc = gcMillis();
            long waited = lockWaitNanos.get();
            long cpu = ManagementFactory.getThreadMXBean().getThreadCpuTime(threadId);
            long events = count - phaseApplied;
            long processCpu = processCpuNanos();
            Phase phase = new Phase(events * 1e9 / (now - phaseStart), lockWaits.getIntervalHistogram(),
                    (double) (waited - phaseWaitNanos) / (now - phaseStart), (double) (cpu - phaseCpuNanos) / events,
                    gc - phaseGcMillis, processCpu - phaseProcessCpuNanos, cpu - phaseCpuNanos);
            phaseProcessCpuNanos = processCpu;
            phaseStart = now;
            phaseApplied = count;
            phaseGcMillis = gc;
            phaseWaitNanos = waited;
            phaseCpuNanos = cpu;
            return phase;
        }

        private static long processCpuNanos() {
            return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }

        private static long gcMillis() {
            return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        }
    }

    /**
     * Clients loading the host page every interval, spread over it; each load requests the page's routes at once. They
     * read every answer to its end and keep none of it: they run in the aggregator's JVM, where a browser's copies
     * of the answers would not be.
     */
    private static final class Readers {

        private final ExecutorService responses = Executors.newCachedThreadPool();
        private final HttpClient http = HttpClient.newBuilder().executor(responses).build();
        private final ScheduledLoads loads;
        private final Histogram pages = new Histogram(3);
        private final Histogram routes = new Histogram(3);
        private final Map<String, Histogram> byRoute = new ConcurrentHashMap<>();
        private final AtomicLong errors = new AtomicLong();
        private final int port;

        Readers(int port, int clients, int intervalSeconds) {
            this.port = port;
            this.loads = new ScheduledLoads(clients, intervalSeconds);
        }

        void start() {
            loads.start(this::loadPage);
        }

        void stop() throws InterruptedException {
            loads.stop();
            responses.shutdownNow();
        }

        /** Each route's latency requested one at a time, with nothing else running, after as many to warm up. */
        static Map<String, Histogram> alone(int port) throws IOException, InterruptedException {
            HttpClient http = HttpClient.newHttpClient();
            Map<String, Histogram> byRoute = new LinkedHashMap<>();
            for (String route : hostPageRoutes(BusyHost.NAME)) {
                Histogram nanos = new Histogram(3);
                for (int request = 0; request < 2 * ALONE_REQUESTS; request++) {
                    long sent = System.nanoTime();
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + route))
                            .build(), HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(route + " answered " + response.statusCode());
                    }
                    if (request >= ALONE_REQUESTS) {
                        nanos.recordValue(System.nanoTime() - sent);
                    }
                }
                byRoute.put(routeName(route), nanos);
            }
            return byRoute;
        }

        private static String routeName(String route) {
            return route.replaceFirst("^/api/hosts/[^/]+", "").replaceFirst("^$", "/");
        }

        private void loadPage() {
            long start = System.nanoTime();
            List<CompletableFuture<Void>> answers = hostPageRoutes(BusyHost.NAME).stream().map(route -> {
                long sent = System.nanoTime();
                return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + route)).build(),
                        HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                            long nanos = System.nanoTime() - sent;
                            record(routes, nanos);
                            record(byRoute.computeIfAbsent(routeName(route), name -> new Histogram(3)), nanos);
                            if (response.statusCode() != 200) {
                                errors.incrementAndGet();
                            }
                        });
            }).toList();
            try {
                CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
                record(pages, System.nanoTime() - start);
            } catch (RuntimeException e) {
                errors.incrementAndGet();
            }
        }

        private static void record(Histogram histogram, long nanos) {
            synchronized (histogram) {
                histogram.recordValue(nanos);
            }
        }
    }

    /** {@code clients} tasks, each run every interval, their starts spread evenly over it. */
    private static final class ScheduledLoads {

        private final ScheduledExecutorService timer;
        private final int clients;
        private final int intervalSeconds;

        ScheduledLoads(int clients, int intervalSeconds) {
            this.timer = Executors.newScheduledThreadPool(clients);
            this.clients = clients;
            this.intervalSeconds = intervalSeconds;
        }

        void start(Runnable load) {
            long intervalMillis = intervalSeconds * 1000L;
            for (int client = 0; client < clients; client++) {
                timer.scheduleWithFixedDelay(load,
                        client * intervalMillis / clients, intervalMillis, TimeUnit.MILLISECONDS);
            }
        }

        void stop() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }
}
