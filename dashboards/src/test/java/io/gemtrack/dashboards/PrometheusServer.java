package io.gemtrack.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;

/**
 * A real Prometheus server (Debian's package, installed by {@code scripts/install-deps}) scraping the given
 * targets every second, with the project's rule files loaded; {@link #api()} queries it.
 */
final class PrometheusServer implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process process;
    private final Path directory;
    private final PrometheusApi api;

    private PrometheusServer(Process process, Path directory, PrometheusApi api) {
        this.process = process;
        this.directory = directory;
        this.api = api;
    }

    static PrometheusServer start(List<String> targets, List<Path> ruleFiles) throws Exception {
        Path binary = Tools.require("prometheus");
        Path directory = Files.createTempDirectory("gemtrack-prometheus-");
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                """);
        ruleFiles.forEach(file -> config.append("  - ").append(file.toAbsolutePath()).append('\n'));
        config.append("""
                scrape_configs:
                  - job_name: gemtrack-aggregator
                    static_configs:
                      - targets:
                """);
        targets.forEach(target -> config.append("          - '").append(target).append("'\n"));
        Path configFile = Files.writeString(directory.resolve("prometheus.yml"), config);
        String port = Tools.freePort();
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("prometheus.log").toFile())
                .start();
        PrometheusServer server = new PrometheusServer(process, directory,
                new PrometheusApi(URI.create("http://127.0.0.1:" + port)));
        try {
            Await.until("Prometheus to be ready", STARTUP, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("prometheus exited: " + server.log());
                }
                return server.api.ready();
            });
        } catch (AssertionError notReady) {
            String log = server.log();
            server.close();
            throw new IllegalStateException(notReady.getMessage() + "; its log: " + log, notReady);
        }
        return server;
    }

    PrometheusApi api() {
        return api;
    }

    private String log() throws IOException {
        return Files.readString(directory.resolve("prometheus.log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
