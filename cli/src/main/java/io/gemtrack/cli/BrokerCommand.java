package io.gemtrack.cli;

import io.gemtrack.broker.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gemtrack broker}: a real single-node Kafka broker (KRaft) for trying gemtrack without a cluster. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run Apache Kafka's own broker (KRaft, single node) on loopback until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {

    /** How long the broker gets for a clean shutdown before it is killed; within {@link Shutdown#DEADLINE}. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(9);

    @Option(names = "--port", defaultValue = "9092", description = "Listener port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--data-dir", description = "Keep the broker's data here across runs. Default: a temporary directory, deleted at exit.")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Ports.requireValid(spec, "--port", port);
        Ports.requireFree("--port", KafkaBroker.LISTENER_ADDRESS, port);
        KafkaBroker broker = dataDir == null ? KafkaBroker.temporary(port) : KafkaBroker.create(dataDir, port);
        Shutdown.onForcedExit(broker::destroyNow);
        System.err.println("starting Kafka broker (data in " + broker.directory() + ") ...");
        try {
            broker.start();
            System.out.println("Kafka broker ready: --bootstrap-server " + broker.bootstrapServers());
            Shutdown.awaitSignal();
        } finally {
            broker.close(STOP_TIMEOUT);
        }
        return 0;
    }
}
