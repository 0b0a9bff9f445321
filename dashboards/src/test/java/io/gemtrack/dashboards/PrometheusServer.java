package io.gemtrack.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's package, installed by {@code scripts/install-deps}) scraping the given
 * targets every second, with the project's rule files loaded. Queries go through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;
    private final Path directory;

    private PrometheusServer(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
    }

    static PrometheusServer start(List<String> targets, List<Path> ruleFiles) throws IOException, InterruptedException {
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
        int port = freePort();
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + configFile,
                "--storage.tsdb.path=" + directory.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-lifecycle")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("prometheus.log").toFile())
                .start();
        PrometheusServer server = new PrometheusServer(process, port, directory);
        server.awaitReady();
        return server;
    }

    private void awaitReady() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + Files.readString(directory.resolve("prometheus.log")));
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("prometheus not ready in 30 s: " + Files.readString(directory.resolve("prometheus.log")));
    }

    /** The {@code data.result} array of an instant query. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(response.body());
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException("query failed: " + promql + " -> " + response.body());
        }
        return body.path("data").path("result");
    }

    /** The alerts Prometheus currently holds (pending or firing). */
    JsonNode alerts() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/alerts").body()).path("data").path("alerts");
    }

    /** Every loaded rule (recording and alerting) with the query Prometheus evaluates for it. */
    List<JsonNode> rules() throws IOException, InterruptedException {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : JSON.readTree(get("/api/v1/rules").body()).path("data").path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        org.apache.kafka.common.utils.Utils.delete(directory.toFile());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
