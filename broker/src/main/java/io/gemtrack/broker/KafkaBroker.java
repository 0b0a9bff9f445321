package io.gemtrack.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka node in KRaft mode (broker and controller in one), run from the Kafka server jars on this JVM's
 * class path as a child JVM on loopback ports: alone, or one of a {@link KafkaCluster}'s quorum, secured as its
 * {@link BrokerSecurity} says.
 *
 * <p>A child JVM rather than an in-process server: the broker's threads, heap and logging stay out of the
 * tests' JVM, and a restart or a crash is a real one. {@link #stop()} and {@link #start()} keep the data
 * directory and ports, so a broker restart loses nothing that was acknowledged.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The address the broker listens on (and its controller). */
    public static final String LISTENER_ADDRESS = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #stop()} waits for a clean shutdown before it kills the broker. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(1);
    static final long SINGLE_NODE_HEAP_BYTES = 768L << 20;

    private final Path directory;
    private final boolean ownsDirectory;
    private final Node node;
    private final BrokerSecurity security;
    /** Volatile for {@link #destroyNow()}, which takes no lock. */
    private volatile Process process;

    /**
     * Where a node is in its cluster.
     *
     * @param voters    the KRaft quorum, {@code id@host:port,...}
     * @param nodes     how many nodes the cluster has, which bounds the internal topics' replicas
     * @param clusterId the same for every node of the cluster
     */
    record Node(int id, int clientPort, int controllerPort, String voters, int nodes, String clusterId, long heapBytes) {

        /** The one node of a cluster of one. */
        static Node alone(int clientPort) {
            int controllerPort = freePort();
            return new Node(1, clientPort == 0 ? freePort() : clientPort, controllerPort,
                    "1@" + LISTENER_ADDRESS + ":" + controllerPort, 1, Uuid.randomUuid().toString(), SINGLE_NODE_HEAP_BYTES);
        }
    }

    KafkaBroker(Path directory, boolean ownsDirectory, Node node, BrokerSecurity security) {
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.node = node;
        this.security = security;
    }

    /** Starts a broker on a free port in a new temporary directory, removed again by {@link #close()}. */
    public static KafkaBroker startTemporary() {
        return startTemporary(0);
    }

    /** Starts a broker on {@code port} (0: a free one) in a new temporary directory, removed again by {@link #close()}. */
    public static KafkaBroker startTemporary(int port) {
        return temporary(port).start();
    }

    /** Starts a broker secured as {@code security} says on a free port, in a temporary directory. */
    public static KafkaBroker startTemporary(BrokerSecurity security) {
        return temporary(0, security).start();
    }

    /**
     * A broker on {@code port} (0: a free one) in a new temporary directory, removed again by {@link #close()}; not
     * started yet. Directories that runs killed before they could remove theirs are removed first (see
     * {@link TemporaryDirectories}).
     */
    public static KafkaBroker temporary(int port) {
        return temporary(port, BrokerSecurity.NONE);
    }

    /** A broker as {@link #temporary(int)} makes it, secured as {@code security} says. */
    public static KafkaBroker temporary(int port, BrokerSecurity security) {
        return new KafkaBroker(temporaryDirectory(), true, Node.alone(port), security);
    }

    /** A new temporary data directory, as {@link TemporaryDirectories} makes them. */
    static Path temporaryDirectory() {
        return TemporaryDirectories.create(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** A broker keeping its data in {@code directory} across runs; {@code port} 0 picks a free one. Not started yet. */
    public static KafkaBroker create(Path directory, int port) {
        return new KafkaBroker(directory, false, Node.alone(port), BrokerSecurity.NONE);
    }

    public String bootstrapServers() {
        return LISTENER_ADDRESS + ":" + node.clientPort();
    }

    /** The node's id in its cluster ({@code node.id}). */
    public int nodeId() {
        return node.id();
    }

    public BrokerSecurity security() {
        return security;
    }

    /** What a client needs to reach this broker as the admin super user (nothing but where it is, in the clear). */
    public Map<String, Object> clientConfig() {
        return security.adminClientConfig(bootstrapServers());
    }

    public Path directory() {
        return directory;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker JVM and returns once it answers metadata requests. */
    public synchronized KafkaBroker start() {
        launch();
        awaitReady();
        return this;
    }

    /**
     * Starts the broker JVM without waiting: a node of a quorum cannot be ready before a majority of the others
     * has started too.
     */
    synchronized void launch() {
        if (isRunning()) {
            return;
        }
        try {
            Files.createDirectories(directory);
            Path properties = writeProperties();
            // The credentials go in a file, not on the command line, where anyone on the machine could read them.
            Path scramCredentials = directory.resolve("scram-credentials");
            Files.write(scramCredentials, security.scramCredentials());
            process = ChildJvm.builder(
                            List.of("-Xmx" + (node.heapBytes() >> 20) + "m", "-XX:+UseSerialGC",
                                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                                    "-Dorg.slf4j.simpleLogger.showDateTime=true"),
                            KafkaBrokerMain.class.getName(),
                            List.of(properties.toString(), node.clusterId(), scramCredentials.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
            if (ownsDirectory) {
                TemporaryDirectories.record(directory, TemporaryDirectories.BROKER, process.toHandle());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker", e);
        }
    }

    /** Stops the broker the way an operator would (SIGTERM, clean shutdown), keeping its data. */
    public synchronized void stop() {
        stop(STOP_TIMEOUT);
    }

    /**
     * Stops the broker with SIGTERM, keeping its data; if it has not shut down within {@code timeout}, kills it.
     * Returns once it is gone.
     */
    public synchronized void stop(Duration timeout) {
        halt(false, timeout);
    }

    /** Kills the broker with SIGKILL, as a crash would, keeping its data. */
    public synchronized void kill() {
        halt(true, STOP_TIMEOUT);
    }

    private void halt(boolean forcibly, Duration timeout) {
        signal(forcibly);
        awaitExit(timeout);
    }

    /** Sends the broker SIGTERM or SIGKILL without waiting, so that the nodes of a cluster stop together. */
    synchronized void signal(boolean forcibly) {
        if (process == null) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    /** Waits until the signalled broker has exited; kills it if it takes longer than {@code timeout}. */
    synchronized void awaitExit(Duration timeout) {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the broker as {@link #stop()} does and deletes its directory if it is a temporary one. */
    @Override
    public synchronized void close() {
        close(STOP_TIMEOUT);
    }

    /** Stops the broker as {@link #stop(Duration)} does and deletes its directory if it is a temporary one. */
    public synchronized void close(Duration timeout) {
        stop(timeout);
        if (ownsDirectory) {
            TemporaryDirectories.delete(directory);
        }
    }

    /**
     * For a process that must end now, even while another thread is in {@link #close()}: kills the broker, waits a
     * moment for it to go, and deletes its temporary directory. Takes no lock and never throws; what it cannot delete
     * the next temporary broker removes.
     */
    public void destroyNow() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
            try {
                running.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsDirectory) {
            TemporaryDirectories.deleteNow(directory);
        }
    }

    /** The broker's console output, for diagnosing a failed start. */
    public Path log() {
        return directory.resolve("broker.log");
    }

    private Path writeProperties() throws IOException {
        // The internal topics get as many replicas as a production cluster gives them, as far as there are nodes.
        int internalReplicas = Math.min(3, node.nodes());
        Properties config = new Properties();
        config.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(node.id())),
                Map.entry("controller.quorum.voters", node.voters()),
                Map.entry("listeners", "CLIENT://" + bootstrapServers() + ",CONTROLLER://" + LISTENER_ADDRESS + ":" + node.controllerPort()),
                Map.entry("advertised.listeners", "CLIENT://" + bootstrapServers()),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("log.dirs", directory.resolve("data").toString()),
                Map.entry("offsets.topic.replication.factor", Integer.toString(internalReplicas)),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", Integer.toString(internalReplicas)),
                Map.entry("transaction.state.log.min.isr", Integer.toString(Math.min(2, internalReplicas))),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // A node that is gone is fenced, and leaves the in-sync replicas, after 4 s rather than Kafka's 9 s.
                Map.entry("broker.session.timeout.ms", "4000"),
                Map.entry("broker.heartbeat.interval.ms", "500"),
                Map.entry("num.partitions", "4")));
        config.putAll(security.brokerProperties());
        Path file = directory.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            config.store(writer, "gemtrack embedded broker");
        }
        return file;
    }

    /** Waits until the broker answers metadata requests. */
    synchronized void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        Map<String, Object> config = new HashMap<>(clientConfig());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker exited with status " + process.exitValue()
                            + " during start-up; see " + log());
                }
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
        halt(true, STOP_TIMEOUT);
        throw new IllegalStateException("the Kafka broker did not become ready within " + READY_TIMEOUT.toSeconds()
                + " s; see " + log(), last);
    }

    /** A loopback port nothing listens on now, for a server a test or the demo is about to start. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    @Override
    public String toString() {
        return "KafkaBroker[node " + node.id() + ", " + bootstrapServers() + ", " + security + ", " + directory + "]";
    }
}
