package io.gemtrack.cli;

import io.gemtrack.broker.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gemtrack broker}: a real single-node Kafka broker (KRaft) for trying gemtrack without a cluster. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run Apache Kafka's own broker (KRaft, single node) on loopback until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Listener port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--data-dir", description = "Keep the broker's data here across runs. Default: a temporary directory, deleted at exit.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        boolean temporary = dataDir == null;
        Path directory = temporary ? Files.createTempDirectory("gemtrack-kafka-") : dataDir;
        KafkaBroker broker = KafkaBroker.create(directory, temporary, port);
        System.err.println("starting Kafka broker (data in " + directory + ") ...");
        broker.start();
        System.out.println("Kafka broker ready: --bootstrap-server " + broker.bootstrapServers());
        Shutdown.onSignal(broker::close);
        Shutdown.awaitSignal();
        return 0;
    }
}
