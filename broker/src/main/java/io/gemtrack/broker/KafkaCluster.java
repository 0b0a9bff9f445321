package io.gemtrack.broker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A cluster of {@link KafkaBroker} nodes on loopback, each broker and KRaft controller in one child JVM, the
 * controllers forming the quorum: with three, any one node can be killed and the cluster goes on.
 */
public final class KafkaCluster implements AutoCloseable {

    /** A node of a cluster needs less than a broker alone: it shares the load with the others. */
    private static final long NODE_HEAP_BYTES = 512L << 20;
    /** How long {@link #close()} waits for the nodes' clean shutdown before it kills them. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final boolean ownsDirectory;
    private final List<KafkaBroker> nodes;

    private KafkaCluster(Path directory, boolean ownsDirectory, List<KafkaBroker> nodes) {
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.nodes = List.copyOf(nodes);
    }

    /** Starts {@code nodes} nodes on free ports in a new temporary directory, removed again by {@link #close()}. */
    public static KafkaCluster startTemporary(int nodes, BrokerSecurity security) {
        return temporary(nodes, 0, security).start();
    }

    /**
     * A cluster as {@link #create} makes it, in a new temporary directory (see {@link TemporaryDirectories}) removed
     * again by {@link #close()}; not started yet.
     */
    public static KafkaCluster temporary(int nodes, int firstPort, BrokerSecurity security) {
        return create(KafkaBroker.temporaryDirectory(), true, nodes, firstPort, security);
    }

    /**
     * A cluster of {@code nodes} nodes keeping their data under {@code directory} across runs, not started yet. Node
     * {@code i} (from 1) listens for clients on {@code firstPort + i - 1}, or on a free port if {@code firstPort} is 0.
     * A cluster of one is a {@link KafkaBroker#create broker alone}, its data in {@code directory} itself.
     */
    public static KafkaCluster create(Path directory, int nodes, int firstPort, BrokerSecurity security) {
        return create(directory, false, nodes, firstPort, security);
    }

    private static KafkaCluster create(Path directory, boolean ownsDirectory, int nodes, int firstPort, BrokerSecurity security) {
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + nodes);
        }
        String clusterId = Uuid.randomUuid().toString();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            controllerPorts.add(KafkaBroker.freePort());
        }
        String voters = IntStream.range(0, nodes)
                .mapToObj(i -> (i + 1) + "@" + KafkaBroker.LISTENER_ADDRESS + ":" + controllerPorts.get(i)).collect(Collectors.joining(","));
        List<KafkaBroker> brokers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int clientPort = firstPort == 0 ? KafkaBroker.freePort() : firstPort + i;
            Path nodeDirectory = nodes == 1 ? directory : directory.resolve("node-" + (i + 1));
            long heapBytes = nodes == 1 ? KafkaBroker.SINGLE_NODE_HEAP_BYTES : NODE_HEAP_BYTES;
            brokers.add(new KafkaBroker(nodeDirectory, false, new KafkaBroker.Node(i + 1, clientPort,
                    controllerPorts.get(i), voters, nodes, clusterId, heapBytes), security));
        }
        return new KafkaCluster(directory, ownsDirectory, brokers);
    }

    /** Starts every node that is not running and returns once each answers; a quorum needs most of them up at once. */
    public KafkaCluster start() {
        try {
            nodes.forEach(KafkaBroker::launch);
            nodes.forEach(KafkaBroker::awaitReady);
        } catch (RuntimeException e) {
            nodes.forEach(KafkaBroker::kill);
            throw e;
        }
        return this;
    }

    /** Where the nodes keep their data, each in a directory of its own unless there is one. */
    public Path directory() {
        return directory;
    }

    public List<KafkaBroker> nodes() {
        return nodes;
    }

    /** The node with {@code node.id} {@code id}, from 1. */
    public KafkaBroker node(int id) {
        return nodes.stream().filter(node -> node.nodeId() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + " in " + this));
    }

    /** Every node's client listener. */
    public String bootstrapServers() {
        return nodes.stream().map(KafkaBroker::bootstrapServers).collect(Collectors.joining(","));
    }

    public BrokerSecurity security() {
        return nodes.get(0).security();
    }

    /** What a client needs to reach the cluster as the admin super user (nothing but where it is, in the clear). */
    public Map<String, Object> clientConfig() {
        return security().adminClientConfig(bootstrapServers());
    }

    /** The node that leads {@code partition} of {@code topic} now, as the running nodes know it. */
    public KafkaBroker leaderOf(String topic, int partition) {
        try (Admin admin = Admin.create(clientConfig())) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Node leader = description.partitions().get(partition).leader();
            if (leader == null) {
                throw new IllegalStateException(topic + "-" + partition + " has no leader now");
            }
            return node(leader.id());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    /** Stops every node (SIGTERM, clean shutdown) and deletes the directory if it is a temporary one. */
    @Override
    public void close() {
        close(STOP_TIMEOUT);
    }

    /** As {@link #close()}, killing the nodes that have not shut down within {@code timeout}. */
    public void close(Duration timeout) {
        // Together: a node stopping alone waits for the quorum that the nodes stopped before it have left.
        nodes.forEach(node -> node.signal(false));
        long deadline = System.nanoTime() + timeout.toNanos();
        nodes.forEach(node -> node.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
        if (ownsDirectory) {
            TemporaryDirectories.delete(directory);
        }
    }

    /**
     * For a process that must end now, even while another thread is in {@link #close()}: as
     * {@link KafkaBroker#destroyNow()} for every node, then the temporary directory. Takes no lock and never throws.
     */
    public void destroyNow() {
        nodes.forEach(KafkaBroker::destroyNow);
        if (ownsDirectory) {
            TemporaryDirectories.deleteNow(directory);
        }
    }

    @Override
    public String toString() {
        return "KafkaCluster[" + nodes.size() + " nodes at " + bootstrapServers() + ", " + security() + ", " + directory + "]";
    }
}
