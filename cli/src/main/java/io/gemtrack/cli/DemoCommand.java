package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gemtrack demo}: the whole pipeline on one machine with nothing but a JDK: a real Kafka broker in a
 * child JVM (or the cluster the Kafka options name), the emulated kernel producing, and an aggregator serving the web
 * view and {@code /metrics}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a Kafka broker, the emulated-kernel producer and an aggregator together until Ctrl-C "
                + "(or until the aggregator's consumer fails: then all stop, with exit status 1). Given brokers"
                + " (--bootstrap-server, or bootstrap.servers in the other Kafka settings), run on them instead of a broker of its own.")
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

    @Mixin
    TopicOptions topics;

    /** With brokers named (by --bootstrap-server or any other source), the demo runs on them and starts none. */
    @Mixin
    KafkaOptions kafka;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        try (Running demo = start()) {
            System.out.print(demo.addresses());
            CompletableFuture.anyOf(demo.aggregator.whenFailed().toCompletableFuture(), Shutdown.stopRequest().whenMade()).get();
            if (demo.aggregator.failure().isPresent()) {
                System.err.println(AggregateCommand.failureMessage(demo.aggregator.failure().get()));
                return AggregateCommand.CONSUMER_FAILED;
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
        Ports.requireValid(spec, "--http-port", httpPort);
        Ports.requireValid(spec, "--kafka-port", kafkaPort);
        Ports.requireFree("--http-port", Aggregator.Config.DEFAULT_HTTP_BIND_ADDRESS, httpPort);
        Ports.requireFree("--kafka-port", KafkaBroker.LISTENER_ADDRESS, kafkaPort);
    }

    /** Starts broker, aggregator and producer; if any fails to start, what did start is stopped again. */
    Running start() throws Exception {
        Running demo = new Running();
        try {
            KafkaSettings settings = kafka.settings();
            if (!settings.namesBootstrapServers()) {
                KafkaBroker broker = KafkaBroker.temporary(kafkaPort);
                demo.add(() -> broker.close(BROKER_STOP_TIMEOUT));
                Shutdown.onForcedExit(broker::destroyNow);
                System.err.println("starting Kafka broker (data in " + broker.directory() + ") ...");
                broker.start();
                settings = settings.withBootstrapServers(broker.bootstrapServers());
            } else {
                kafka.requireReachable();
            }
            demo.bootstrapServers = settings.bootstrapServers();
            demo.aggregator = demo.add(new Aggregator(
                    Aggregator.Config.defaults(settings).withHttpPort(httpPort).withTopicLayout(topics.layout())));
            demo.httpPort = demo.aggregator.httpPort();
            List<String> produce = new ArrayList<>(List.of("--bootstrap-server", settings.bootstrapServers()));
            produce.addAll(kafka.clientSettingArguments());
            produce.addAll(List.of("--hosts", Integer.toString(hosts)));
            StopRequest producerStop = new StopRequest();
            Thread producer = new Thread(() -> new CommandLine(new ProduceCommand(producerStop)).execute(
                    produce.toArray(String[]::new)),
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
