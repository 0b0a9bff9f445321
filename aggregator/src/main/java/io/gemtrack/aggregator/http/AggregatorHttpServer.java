package io.gemtrack.aggregator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The aggregator's HTTP endpoint: Prometheus metrics at {@code /metrics} (client_java's own handler), the
 * JSON API under {@code /api/}, {@code /health} for supervisors and the web view at {@code /}, on one port so one
 * address serves Prometheus, supervisors and people.
 */
public final class AggregatorHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "gemtrack-http");
        thread.setDaemon(true);
        return thread;
    });

    public AggregatorHttpServer(String bindAddress, int port, PrometheusRegistry registry, HttpHandler api, HttpHandler health) {
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port
                    + " (is another aggregator running? choose another with --http-port)", e);
        }
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/api/", api);
        server.createContext("/health", health);
        server.createContext("/", new WebViewHandler());
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static void respond(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
