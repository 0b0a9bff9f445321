package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.broker.KafkaBroker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gemtrack demo}: the whole pipeline on one machine with nothing but a JDK: a real Kafka broker in a
 * child JVM, the emulated kernel producing, and an aggregator serving the web view and {@code /metrics}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a Kafka broker, the emulated-kernel producer and an aggregator together until Ctrl-C "
                + "(or until the aggregator's consumer fails: then all stop, with exit status 1).")
public final class DemoCommand implements Callable<Integer> {

    // What each part gets to stop, the slowest case being the one where the broker went first (a Ctrl-C reaches it
    // too): the producer gives up its unsent events, the aggregator its final checkpoint. Together within Shutdown.DEADLINE.
    private static final Duration PRODUCER_STOP_TIMEOUT = PublishOptions.STOP_TIMEOUT.plusSeconds(1);
    private static final Duration BROKER_STOP_TIMEOUT = Duration.ofSeconds(3);

    @Option(names = "--http-port", defaultValue = "" + Aggregator.Config.DEFAULT_HTTP_PORT,
            description = "Port of the web view, /metrics and the API (0: any free port). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--kafka-port", defaultValue = "0",
            description = "Port of the embedded Kafka broker (0: any free port). Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(names = "--hosts", defaultValue = "3", description = "Number of simulated hosts. Default: ${DEFAULT-VALUE}.")
    int hosts;

    @Option(names = "--scenario", defaultValue = "desktop", paramLabel = "NAME[,NAME...]",
            description = "What the hosts run, as for produce (gemtrack produce --help lists them). Default: ${DEFAULT-VALUE},"
                    + " where each policy picks its own OOM victim.")
    String scenario;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "EVENTS_PER_SECOND|max",
            description = "Events per second over all hosts, or max. Default: ${DEFAULT-VALUE}.")
    String rate;

    @Option(names = "--seed", description = "Seed of the simulation: the same seed tells the same story. Default: a random one, printed.")
    Long seed;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Where the parts' logs go, written anew. Default: gemtrack-demo-USER.log in the temporary directory.")
    Path log;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        // The terminal shows the addresses and one status line; what the parts log goes to the file it names.
        try (LogFile logFile = LogFile.redirectStderr(log != null ? log : LogFile.defaultPath("demo"))) {
            Running demo = start(logFile.terminal());
            try (demo) {
                System.out.print(demo.addresses());
                System.out.printf("  log           %s%n%n", logFile.path());
                System.out.flush();
                try (StatusLine status = new StatusLine(System.out, StatusLine.onTerminal(),
                        new PipelineStatus(demo.httpPort(), Shutdown.stopRequest()))) {
                    CompletableFuture.anyOf(demo.aggregator.whenFailed().toCompletableFuture(), Shutdown.stopRequest().whenMade()).get();
                }
                if (demo.aggregator.failure().isPresent()) {
                    logFile.terminal().println(AggregateCommand.failureMessage(demo.aggregator.failure().get()));
                    return AggregateCommand.CONSUMER_FAILED;
                }
            }
        }
        return 0;
    }

    /** Checks every option, and that the ports are free, before anything starts. */
    void validate() {
        if (hosts < 1 || hosts > ProduceCommand.MAX_HOSTS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--hosts': must be between 1 and "
                    + ProduceCommand.MAX_HOSTS + ", was " + hosts);
        }
        // The producer's own checks, made now and told as the demo's: the options mean the same in both.
        ProduceCommand producer = new ProduceCommand(new StopRequest());
        try {
            new CommandLine(producer).parseArgs(producerArguments("127.0.0.1:9092"));
            producer.validate();
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Ports.requireValid(spec, "--http-port", httpPort);
        Ports.requireValid(spec, "--kafka-port", kafkaPort);
        Ports.requireFree("--http-port", Aggregator.Config.DEFAULT_HTTP_BIND_ADDRESS, httpPort);
        Ports.requireFree("--kafka-port", KafkaBroker.LISTENER_ADDRESS, kafkaPort);
    }

    /** Starts broker, aggregator and producer; if any fails to start, what did start is stopped again. */
    Running start() throws Exception {
        return start(System.err);
    }

    /** {@link #start()}, saying on {@code terminal} where the broker keeps its data. */
    private Running start(PrintStream terminal) throws Exception {
        Running demo = new Running();
        try {
            KafkaBroker broker = KafkaBroker.temporary(kafkaPort);
            demo.add(() -> broker.close(BROKER_STOP_TIMEOUT));
            Shutdown.onForcedExit(broker::destroyNow);
            terminal.println("starting Kafka broker (data in " + broker.directory() + ") ...");
            broker.start();
            demo.bootstrapServers = broker.bootstrapServers();
            demo.aggregator = demo.add(new Aggregator(
                    Aggregator.Config.defaults(broker.bootstrapServers()).withHttpPort(httpPort)));
            demo.httpPort = demo.aggregator.httpPort();
            StopRequest producerStop = new StopRequest();
            Thread producer = new Thread(() -> new CommandLine(new ProduceCommand(producerStop))
                    .setCaseInsensitiveEnumValuesAllowed(true).execute(producerArguments(broker.bootstrapServers())),
                    "gemtrack-producer");
            producer.start();
            demo.add(() -> {
                producerStop.make();
                producer.join(PRODUCER_STOP_TIMEOUT.toMillis());
            });
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    private String[] producerArguments(String bootstrapServers) {
        List<String> arguments = new ArrayList<>(List.of("--bootstrap-server", bootstrapServers, "--hosts", Integer.toString(hosts),
                "--scenario", scenario, "--rate", rate));
        if (seed != null) {
            arguments.addAll(List.of("--seed", seed.toString()));
        }
        return arguments.toArray(String[]::new);
    }

    /** The running demo; {@link #close()} stops in reverse order of start: producer, aggregator, broker. */
    static final class Running implements AutoCloseable {
        private final Deque<AutoCloseable> parts = new ArrayDeque<>();
        private String bootstrapServers;
        private Aggregator aggregator;
        private int httpPort;

        private synchronized <T extends AutoCloseable> T add(T part) {
            parts.push(part);
            return part;
        }

        String bootstrapServers() {
            return bootstrapServers;
        }

        int httpPort() {
            return httpPort;
        }

        /** Where to look, the web view first: it is what someone without Prometheus or Grafana opens. */
        String addresses() {
            return """
                    gemtrack demo is running (Ctrl-C stops everything):
                      web view      http://localhost:%1$d/
                      metrics       http://localhost:%1$d/metrics
                      JSON API      http://localhost:%1$d/api/hosts
                      Kafka         --bootstrap-server %2$s
                    """.formatted(httpPort, bootstrapServers);
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
}
