package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.Topics;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gemtrack aggregate}: runs an aggregator until interrupted. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = "Consume events into per-host models; serve Prometheus /metrics and the JSON API.")
public final class AggregateCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (host:port[,host:port]). Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Events topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTERS,
            description = "Where records that cannot be applied go. Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(names = "--group", defaultValue = Aggregator.Config.DEFAULT_GROUP_ID,
            description = "Consumer group; aggregators in one group share the hosts. Default: ${DEFAULT-VALUE}.")
    String groupId;

    @Option(names = "--http-port", defaultValue = "" + Aggregator.Config.DEFAULT_HTTP_PORT,
            description = "Port of /metrics, the API and the web view (0: any free port). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--http-bind", defaultValue = "0.0.0.0", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String httpBind;

    @Option(names = "--top-processes", defaultValue = "" + AggregatorMetrics.DEFAULT_TOP_PROCESSES,
            description = "Processes per host (and policy) with metric series of their own; the rest are summed "
                    + "as pid=\"other\", so series stay bounded. Default: ${DEFAULT-VALUE}.")
    int topProcesses;

    @Option(names = "--checkpoint-interval", defaultValue = "30s", converter = DurationConverter.class,
            description = "How often the models of the owned hosts are written to the checkpoints topic: a number with ms, s, m"
                    + " or h. A restarted aggregator, or one taking over hosts, replays what came after. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (topProcesses < 0) {
            throw new ParameterException(spec.commandLine(), "--top-processes must be 0 or more, not " + topProcesses);
        }
        Aggregator.Config config = new Aggregator.Config(KafkaSettings.bootstrap(bootstrapServers), groupId, topic,
                deadLetterTopic, httpBind, httpPort, topProcesses, checkpointInterval);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Aggregator aggregator = new Aggregator(config)) {
            System.out.printf("aggregator consuming %s from %s; web view at http://localhost:%3$d/, metrics at "
                    + "http://localhost:%3$d/metrics%n", topic, bootstrapServers, aggregator.httpPort());
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}
