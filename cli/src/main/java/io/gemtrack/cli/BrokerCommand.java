package io.gemtrack.cli;

import io.gemtrack.broker.BrokerSecurity;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.broker.KafkaCluster;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gemtrack broker}: a real Kafka cluster (KRaft) on loopback for trying gemtrack without one of your own. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run Apache Kafka's own broker (KRaft) on loopback until Ctrl-C: one node, or a quorum of several.")
public final class BrokerCommand implements Callable<Integer> {

    /** How long the brokers get for a clean shutdown before they are killed; within {@link Shutdown#DEADLINE}. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(9);

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092",
            description = "Listener port of the first node; the others listen on the ports after it (0: any free ports)."
                    + " Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--nodes", defaultValue = "1",
            description = "Nodes, each a broker and a KRaft controller in one JVM; with 3 any one of them may fail."
                    + " Default: ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--security", defaultValue = "PLAINTEXT",
            description = "The listener's security: PLAINTEXT, SASL_PLAINTEXT or SASL_SSL (SCRAM-SHA-512 logins, and for"
                    + " SASL_SSL a self-signed certificate). With SASL, the client settings of a super user are written to"
                    + " client.properties in the data directory, for --command-config. Default: ${DEFAULT-VALUE}.")
    BrokerSecurity.Protocol security;

    @Option(names = "--data-dir", description = "Keep the brokers' data here across runs. Default: a temporary directory, deleted at exit.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--nodes': must be at least 1, was " + nodes);
        }
        Ports.requireValid(spec, "--port", port);
        if (port != 0) {
            for (int node = 0; node < nodes; node++) {
                Ports.requireFree("--port", KafkaBroker.LISTENER_ADDRESS, port + node);
            }
        }
        BrokerSecurity brokerSecurity = security == BrokerSecurity.Protocol.PLAINTEXT ? BrokerSecurity.NONE : BrokerSecurity.sasl(security);
        KafkaCluster cluster = dataDir == null ? KafkaCluster.temporary(nodes, port, brokerSecurity)
                : KafkaCluster.create(dataDir, nodes, port, brokerSecurity);
        Shutdown.onForcedExit(cluster::destroyNow);
        System.err.println("starting " + (nodes == 1 ? "a Kafka broker" : "a Kafka cluster of " + nodes + " nodes")
                + " (data in " + cluster.directory() + ") ...");
        try {
            cluster.start();
            String ready = "Kafka " + (nodes == 1 ? "broker" : "cluster") + " ready: --bootstrap-server " + cluster.bootstrapServers();
            if (security != BrokerSecurity.Protocol.PLAINTEXT) {
                ready += " --command-config " + writeClientProperties(cluster);
            }
            System.out.println(ready);
            Shutdown.awaitSignal();
        } finally {
            cluster.close(STOP_TIMEOUT);
        }
        return 0;
    }

    /** The admin super user's client settings, readable by this user alone: they hold its password. */
    private static Path writeClientProperties(KafkaCluster cluster) throws IOException {
        Path file = cluster.directory().resolve("client.properties");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties properties = new Properties();
        cluster.clientConfig().forEach((key, value) -> properties.setProperty(key, value.toString()));
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "Kafka client settings of the admin super user of " + cluster);
        }
        return file;
    }
}
