package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.kafka.KafkaSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import picocli.CommandLine;

/**
 * The whole pipeline in this process, as {@code demo} and {@code local} run it: a Kafka broker in a child JVM on a
 * temporary directory, an aggregator serving the web view, and a source of events (the emulated kernel, or this
 * machine's collector) running as its command would, on a thread of its own. {@link #close()} stops them in reverse
 * order of start: source, aggregator, broker.
 */
final class Pipeline implements AutoCloseable {

    // What each part gets to stop, the slowest case being the one where the broker went first (a Ctrl-C reaches it
    // too): the source gives up its unsent events, the aggregator its final checkpoint. Together within Shutdown.DEADLINE.
    private static final Duration SOURCE_STOP_TIMEOUT = PublishOptions.STOP_TIMEOUT.plusSeconds(1);
    private static final Duration BROKER_STOP_TIMEOUT = Duration.ofSeconds(3);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final String title;
    private final StringBuilder moreAddresses = new StringBuilder();
    private Path directory;
    private String bootstrapServers;
    private Aggregator aggregator;
    private int httpPort;

    private Pipeline(String title) {
        this.title = title;
    }

    /**
     * Starts broker, aggregator and source; if any fails to start, what did start is stopped again. With brokers named
     * in the options' Kafka settings the pipeline runs on them and starts no broker of its own.
     *
     * @param title    what {@link #addresses()} calls it: {@code gemtrack demo}
     * @param source   the source's command line, given the Kafka options of its command line and its own stop request
     * @param terminal where to say where the broker keeps its data
     */
    static Pipeline start(String title, PipelineOptions options, BiFunction<List<String>, StopRequest, Runnable> source,
                          PrintStream terminal) throws Exception {
        Pipeline pipeline = new Pipeline(title);
        try {
            KafkaSettings settings = options.kafka.settings();
            if (settings.namesBootstrapServers()) {
                options.kafka.requireReachable();
            } else {
                KafkaBroker broker = KafkaBroker.temporary(options.kafkaPort);
                pipeline.add(() -> broker.close(BROKER_STOP_TIMEOUT));
                Shutdown.onForcedExit(broker::destroyNow);
                terminal.println("starting Kafka broker (data in " + broker.directory() + ") ...");
                broker.start();
                pipeline.directory = broker.directory();
                settings = settings.withBootstrapServers(broker.bootstrapServers());
            }
            pipeline.bootstrapServers = settings.bootstrapServers();
            pipeline.aggregator = pipeline.add(new Aggregator(Aggregator.Config.defaults(settings).withHttpPort(options.httpPort)
                    .withTopicLayout(options.topics.layout())));
            pipeline.httpPort = pipeline.aggregator.httpPort();
            List<String> kafkaArguments = new ArrayList<>(List.of("--bootstrap-server", settings.bootstrapServers()));
            kafkaArguments.addAll(options.kafka.clientSettingArguments());
            StopRequest sourceStop = new StopRequest();
            Thread thread = new Thread(source.apply(kafkaArguments, sourceStop), "gemtrack-source");
            thread.start();
            pipeline.add(() -> {
                sourceStop.make();
                thread.join(SOURCE_STOP_TIMEOUT.toMillis());
            });
            return pipeline;
        } catch (Exception | Error e) {
            pipeline.close();
            throw e;
        }
    }

    /** A source running {@code command} with {@code arguments} as its command line would, its output its command's. */
    static Runnable command(Object command, String... arguments) {
        return () -> new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute(arguments);
    }

    /**
     * Runs a started pipeline until a stop signal or its aggregator's failure: its parts' logs in {@code log}, the
     * terminal showing its addresses, where the log is, and a status line. Returns the command's exit status.
     */
    static int runUntilStopped(Path log, PipelineStarter starter) throws Exception {
        // The terminal shows the addresses and one status line; what the parts log goes to the file it names.
        try (LogFile logFile = LogFile.redirectStderr(log)) {
            try (Pipeline pipeline = starter.start(logFile.terminal())) {
                System.out.print(pipeline.addresses());
                System.out.printf("  log           %s%n%n", logFile.where());
                System.out.flush();
                try (StatusLine status = new StatusLine(System.out, StatusLine.onTerminal(),
                        new PipelineStatus(pipeline.httpPort(), Shutdown.stopRequest()))) {
                    CompletableFuture.anyOf(pipeline.aggregator.whenFailed().toCompletableFuture(),
                            Shutdown.stopRequest().whenMade()).get();
                }
                if (pipeline.aggregator.failure().isPresent()) {
                    logFile.terminal().println(AggregateCommand.failureMessage(pipeline.aggregator.failure().get()));
                    return AggregateCommand.CONSUMER_FAILED;
                }
            }
        }
        return 0;
    }

    /** Starts a pipeline, saying on the terminal given where its broker keeps its data. */
    @FunctionalInterface
    interface PipelineStarter {
        Pipeline start(PrintStream terminal) throws Exception;
    }

    private synchronized <T extends AutoCloseable> T add(T part) {
        parts.push(part);
        return part;
    }

    /** Adds a part started beside the others, stopped first, listed among the addresses as {@code label}. */
    synchronized void add(String label, String address, AutoCloseable part) {
        add(part);
        moreAddresses.append("  %-13s %s%n".formatted(label, address));
    }

    /**
     * A temporary directory for the parts, removed with the broker's (at the next start, after a SIGKILL); {@code null}
     * on brokers given, where the pipeline has no broker of its own.
     */
    Path directory() {
        return directory;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    int httpPort() {
        return httpPort;
    }

    /** Where to look, the web view first: it is what someone without Prometheus or Grafana opens. */
    synchronized String addresses() {
        return """
                %3$s is running (Ctrl-C stops everything):
                  web view      http://localhost:%1$d/
                  metrics       http://localhost:%1$d/metrics
                  JSON API      http://localhost:%1$d/api/hosts
                  Kafka         --bootstrap-server %2$s
                """.formatted(httpPort, bootstrapServers, title) + moreAddresses;
    }

    @Override
    public synchronized void close() {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                System.err.println("while stopping: " + e);
            }
        }
    }
}
