package io.gemtrack.reliability;

import io.gemtrack.broker.ChildJvm;
import io.gemtrack.broker.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code gemtrack aggregate} as an operator runs it, in a JVM of its own: killed with SIGKILL it loses everything it
 * held in memory and gets no chance to write a last checkpoint or to leave its consumer group.
 */
final class ChildAggregator implements AutoCloseable {

    /** The heap of an aggregator that has room for everything the tests send it. */
    static final String ROOMY_HEAP = "256m";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final AggregatorEndpoint endpoint;
    private final Path log;

    private ChildAggregator(Process process, int httpPort, Path log) {
        this.process = process;
        this.endpoint = new AggregatorEndpoint(httpPort);
        this.log = log;
    }

    /**
     * Starts an aggregator of consumer group {@code group} on {@code topic} and returns once its API answers.
     *
     * @param maxHeap its {@code -Xmx}, such as {@link #ROOMY_HEAP}
     * @param log     where its output goes (appended), for diagnosing a failure
     */
    static ChildAggregator start(String bootstrapServers, String topic, String group, Duration checkpointInterval, String maxHeap,
                                 Path log) throws IOException, InterruptedException {
        return start(List.of("--bootstrap-server", bootstrapServers), topic, group, checkpointInterval, maxHeap, log);
    }

    /**
     * As {@link #start(String, String, String, Duration, String, Path)}, reaching Kafka as {@code kafkaOptions} say
     * ({@code --bootstrap-server}, {@code --command-config}, ...).
     */
    static ChildAggregator start(List<String> kafkaOptions, String topic, String group, Duration checkpointInterval,
                                 String maxHeap, Path log) throws IOException, InterruptedException {
        int httpPort = KafkaBroker.freePort();
        Files.createDirectories(log.getParent());
        List<String> arguments = new ArrayList<>(List.of("aggregate"));
        arguments.addAll(kafkaOptions);
        arguments.addAll(List.of("--topic", topic, "--dead-letter-topic", topic + ".dlq", "--group", group,
                "--http-bind", "127.0.0.1", "--http-port", Integer.toString(httpPort),
                "--checkpoint-interval", checkpointInterval.toMillis() + "ms"));
        Process process = ChildJvm.builder(List.of("-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                        "io.gemtrack.cli.Gemtrack", arguments)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        ChildAggregator aggregator = new ChildAggregator(process, httpPort, log);
        try {
            Await.until("the aggregator's API to answer (see " + log + ")", START_TIMEOUT, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the aggregator exited with status " + process.exitValue() + "; see " + log);
                }
                return aggregator.endpoint.api().get("/api/hosts").status();
            }, status -> status == 200);
        } catch (AssertionError | InterruptedException e) {
            aggregator.kill();
            throw e;
        }
        return aggregator;
    }

    AggregatorEndpoint endpoint() {
        return endpoint;
    }

    Path log() {
        return log;
    }

    /** Waits for the process to exit by itself; returns its exit status. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the aggregator was still running after " + timeout.toSeconds() + " s; see " + log);
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash or the OOM killer would; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the aggregator survived SIGKILL for " + STOP_TIMEOUT.toSeconds() + " s");
        }
    }

    /** SIGTERM, as an operator stops it: it closes cleanly and leaves its group. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            kill();
        }
    }
}
