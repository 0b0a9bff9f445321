package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.kafka.KafkaSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

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

    @Override
    public Integer call() throws Exception {
        Running demo = start();
        Shutdown.onSignal(demo::close);
        System.out.print(demo.addresses());
        // Until a signal ends the JVM, whose shutdown hook stops the demo, or the aggregator fails.
        Throwable failure = demo.aggregator.whenFailed().toCompletableFuture().get();
        System.err.println(AggregateCommand.failureMessage(failure));
        demo.close();
        return AggregateCommand.CONSUMER_FAILED;
    }

    /** Starts broker, aggregator and producer; if any fails to start, what did start is stopped again. */
    Running start() throws Exception {
        Running demo = new Running();
        try {
            KafkaSettings settings = kafka.settings();
            if (!settings.namesBootstrapServers()) {
                System.err.println("starting Kafka broker ...");
                settings = settings.withBootstrapServers(demo.add(KafkaBroker.startTemporary(kafkaPort)).bootstrapServers());
            }
            demo.bootstrapServers = settings.bootstrapServers();
            demo.aggregator = demo.add(new Aggregator(
                    Aggregator.Config.defaults(settings).withHttpPort(httpPort).withTopicLayout(topics.layout())));
            demo.httpPort = demo.aggregator.httpPort();
            List<String> produce = new ArrayList<>(List.of("--bootstrap-server", settings.bootstrapServers()));
            produce.addAll(kafka.clientSettingArguments());
            produce.addAll(List.of("--hosts", Integer.toString(hosts)));
            Thread producer = new Thread(() -> new CommandLine(new ProduceCommand()).execute(produce.toArray(String[]::new)),
                    "gemtrack-producer");
            producer.start();
            demo.add(() -> {
                producer.interrupt();
                producer.join(10_000);
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
