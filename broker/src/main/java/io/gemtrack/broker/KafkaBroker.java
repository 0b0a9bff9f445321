package io.gemtrack.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one), run from the Kafka
 * server jars on this JVM's class path as a child JVM on free loopback ports.
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

    private final Path directory;
    private final boolean ownsDirectory;
    private final int brokerPort;
    private final int controllerPort;
    private final String clusterId;
    private final long heapBytes;
    /** Volatile for {@link #destroyNow()}, which takes no lock. */
    private volatile Process process;

    private KafkaBroker(Path directory, boolean ownsDirectory, int brokerPort, int controllerPort, long heapBytes) {
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.heapBytes = heapBytes;
        this.clusterId = Uuid.randomUuid().toString();
    }

    /** Starts a broker on a free port in a new temporary directory, removed again by {@link #close()}. */
    public static KafkaBroker startTemporary() {
        return startTemporary(0);
    }

    /** Starts a broker on {@code port} (0: a free one) in a new temporary directory, removed again by {@link #close()}. */
    public static KafkaBroker startTemporary(int port) {
        return temporary(port).start();
    }

    /**
     * A broker on {@code port} (0: a free one) in a new temporary directory, removed again by {@link #close()}; not
     * started yet. Directories that runs killed before they could remove theirs are removed first (see
     * {@link TemporaryDirectories}).
     */
    public static KafkaBroker temporary(int port) {
        Path directory = TemporaryDirectories.create(Path.of(System.getProperty("java.io.tmpdir")));
        return new KafkaBroker(directory, true, port == 0 ? freePort() : port, freePort(), 768L << 20);
    }

    /** A broker keeping its data in {@code directory} across runs; {@code port} 0 picks a free one. Not started yet. */
    public static KafkaBroker create(Path directory, int port) {
        return new KafkaBroker(directory, false, port == 0 ? freePort() : port, freePort(), 768L << 20);
    }

    public String bootstrapServers() {
        return LISTENER_ADDRESS + ":" + brokerPort;
    }

    public Path directory() {
        return directory;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker JVM and returns once it answers metadata requests. */
    public synchronized KafkaBroker start() {
        if (isRunning()) {
            return this;
        }
        try {
            Files.createDirectories(directory);
            Path properties = writeProperties();
            process = ChildJvm.builder(
                            List.of("-Xmx" + (heapBytes >> 20) + "m", "-XX:+UseSerialGC",
                                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                                    "-Dorg.slf4j.simpleLogger.showDateTime=true"),
                            KafkaBrokerMain.class.getName(), List.of(properties.toString(), clusterId))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                    .start();
            if (ownsDirectory) {
                TemporaryDirectories.record(directory, TemporaryDirectories.BROKER, process.toHandle());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker", e);
        }
        awaitReady();
        return this;
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
        if (process == null) {
            return;
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
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
            try {
                Utils.delete(directory.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + directory, e);
            }
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
            try {
                Utils.delete(directory.toFile());
            } catch (IOException | RuntimeException e) {
                System.err.println("cannot delete " + directory + " (the next temporary broker will): " + e);
            }
        }
    }

    /** The broker's console output, for diagnosing a failed start. */
    public Path log() {
        return directory.resolve("broker.log");
    }

    private Path writeProperties() throws IOException {
        Properties config = new Properties();
        config.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@" + LISTENER_ADDRESS + ":" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://" + bootstrapServers() + ",CONTROLLER://" + LISTENER_ADDRESS + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + bootstrapServers()),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", directory.resolve("data").toString()),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "4"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("num.partitions", "4")));
        Path file = directory.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            config.store(writer, "gemtrack embedded broker");
        }
        return file;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
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
        return "KafkaBroker[" + bootstrapServers() + ", " + directory + "]";
    }
}
