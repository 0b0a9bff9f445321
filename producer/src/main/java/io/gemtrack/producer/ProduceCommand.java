package io.gemtrack.producer;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.kafka.Topics;
import io.gemtrack.producer.kafka.EventPublisher;
import io.gemtrack.producer.scenario.BasicScenario;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gemtrack produce}: emits the events of simulated hosts to Kafka, or as JSON lines to stdout. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Emit GEM, dma-buf and mm events of simulated hosts to Kafka (or to stdout with --dry-run).")
public final class ProduceCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (host:port[,host:port]). Default: ${DEFAULT-VALUE}.")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Topic to publish to. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--partitions", defaultValue = "" + Topics.DEFAULT_PARTITIONS,
            description = "Partitions of the topic when it has to be created. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(names = "--hosts", defaultValue = "1", description = "Number of simulated hosts. Default: ${DEFAULT-VALUE}.")
    int hosts;

    @Option(names = "--dry-run", description = "Print the events as JSON lines to stdout instead of sending them.")
    boolean dryRun;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        if (hosts < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--hosts must be at least 1, was " + hosts);
        }
        List<Event> events = java.util.stream.IntStream.range(0, hosts)
                .mapToObj(i -> BasicScenario.events("host-" + i, "boot-0"))
                .flatMap(List::stream)
                .toList();
        if (dryRun) {
            EventCodec codec = new EventCodec();
            events.forEach(event -> out.println(codec.encodeToString(event)));
            return 0;
        }
        try (EventPublisher publisher = new EventPublisher(Map.of("bootstrap.servers", bootstrapServers), topic, partitions)) {
            events.forEach(publisher::publish);
            publisher.flush();
            out.printf("sent %d events for %d hosts to %s (%d failed)%n", publisher.acknowledged(), hosts, topic, publisher.failed());
            return publisher.failed() == 0 ? 0 : 1;
        }
    }
}
