package io.gemtrack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The Prometheus server {@code demo --with-prometheus} runs beside the aggregator: Debian's {@code prometheus}
 * (which {@code scripts/install-deps} installs) in a child process, scraping the aggregator every few seconds with
 * the project's recording and alert rules ({@code dashboards/prometheus/gemtrack.rules.yml}, packaged in the CLI's
 * jar) loaded, its data in a directory of the caller's (the demo broker's temporary one, removed with it).
 *
 * <p>Prometheus has no way to watch its parent, so it runs under a small {@code sh} that does ({@link #WATCHED}): it
 * ends Prometheus when its standard input, a pipe from this JVM, reaches its end, which the kernel makes happen when
 * the JVM goes, even by SIGKILL, as the demo's broker does for itself.
 */
final class PrometheusChild implements AutoCloseable {

    static final String RULES = "prometheus/gemtrack.rules.yml";
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(3);

    /**
     * Runs its arguments as a child and forwards SIGTERM, SIGINT and SIGHUP to it; a watcher ends the child when the
     * shell's standard input ends. The child gets {@code /dev/null} for input, and the shell exits with its status.
     */
    static final String WATCHED = """
            stopping= child=
            trap 'stopping=1; [ -z "$child" ] || kill -TERM $child 2>/dev/null' TERM INT HUP
            exec 3<&0
            "$@" </dev/null 3<&- &
            child=$!
            [ -z "$stopping" ] || kill -TERM $child
            { cat <&3 >/dev/null; kill -TERM $child 2>/dev/null; } &
            watcher=$!
            exec 3<&-
            while :; do wait $child; status=$?; kill -0 $child 2>/dev/null || break; done
            kill $watcher 2>/dev/null
            exit $status
            """;

    private final Process process;
    private final int port;

    private PrometheusChild(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The {@code prometheus} binary on the PATH, or a failure saying how to get one. */
    static Path binary() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, "prometheus"))
                .filter(Files::isExecutable)
                .findFirst();
        return found.orElseThrow(() -> new IllegalStateException("--with-prometheus: no prometheus on the PATH"
                + " (scripts/install-deps installs Debian's package)"));
    }

    /** Starts Prometheus on {@code port} of 127.0.0.1, scraping {@code 127.0.0.1:aggregatorPort}; waits until it is ready. */
    static PrometheusChild start(Path directory, int aggregatorPort, int port) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path rules = directory.resolve("gemtrack.rules.yml");
        try (InputStream packaged = PrometheusChild.class.getResourceAsStream(RULES)) {
            if (packaged == null) {
                throw new IllegalStateException("the CLI's jar has no " + RULES + "; rebuild it");
            }
            Files.copy(packaged, rules);
        }
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 5s
                  evaluation_interval: 5s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: gemtrack-aggregator
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(rules, aggregatorPort));
        Process process = watched(binary().toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
        PrometheusChild prometheus = new PrometheusChild(process, port);
        Shutdown.onForcedExit(() -> destroyForcibly(process));
        try {
            prometheus.awaitReady(directory.resolve("prometheus.log"));
        } catch (IOException | InterruptedException | RuntimeException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with status " + process.exitValue() + "; its log: " + log);
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new IllegalStateException("prometheus not ready within " + STARTUP.toSeconds() + " s; its log: " + log);
    }

    /** {@code command} run under {@link #WATCHED}: it goes when this JVM goes. */
    static ProcessBuilder watched(String... command) {
        List<String> shell = new ArrayList<>(List.of("sh", "-c", WATCHED, "sh"));
        shell.addAll(List.of(command));
        return new ProcessBuilder(shell);
    }

    /** Kills the watched child first: killing only its shell would leave it to the watcher, which waits for this JVM. */
    private static void destroyForcibly(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
            destroyForcibly(process);
            process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
