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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The aggregator's HTTP endpoint: Prometheus metrics at {@code /metrics} (client_java's own handler), the
 * JSON API under {@code /api/}, {@code /health} for supervisors and the web view at {@code /}, on one port so one
 * address serves Prometheus, supervisors and people. Every path answers GET and HEAD only.
 *
 * <p>The JDK's server reads each request on a worker thread, so a client that sends its request slowly holds a
 * thread until it is done. Two limits keep such clients from starving the others: there is a thread for every
 * connection the server takes ({@link #MAX_CONNECTIONS}), so no request ever waits for a thread, and a client
 * has {@link #REQUEST_TIMEOUT_SECONDS} to send its request headers before its connection is closed. A client may
 * hold all connections for that long at most; meanwhile further connections are closed as they arrive.
 */
public final class AggregatorHttpServer implements AutoCloseable {

    /** Connections open at once, idle ones included; unless set on the command line with -D of the property. */
    static final int MAX_CONNECTIONS = 128;
    /** Seconds a client has from the first byte of a request to the end of its headers. */
    static final int REQUEST_TIMEOUT_SECONDS = 10;
    /**
     * Seconds from the end of the request to the end of the answer, a slow reader's included: long enough for the
     * largest answer, a million-object host's checkpoint of about 180 MB built and read on a busy machine.
     */
    static final int RESPONSE_TIMEOUT_SECONDS = 300;

    static final String ALLOWED_METHODS = "GET, HEAD";
    static final String TEXT = "text/plain; charset=utf-8";

    private static final String MAX_CONNECTIONS_PROPERTY = "jdk.httpserver.maxConnections";

    static {
        // The JDK's server reads its limits from these properties once, when the JVM's first server is created.
        setUnlessSet(MAX_CONNECTIONS_PROPERTY, MAX_CONNECTIONS);
        setUnlessSet("sun.net.httpserver.maxReqTime", REQUEST_TIMEOUT_SECONDS);
        setUnlessSet("sun.net.httpserver.maxRspTime", RESPONSE_TIMEOUT_SECONDS);
        // The JDK's server writes an answer's headers and its body apart; with Nagle's algorithm on, a small body then
        // waits for the client's delayed acknowledgement of the headers, about 40 ms on Linux, longer than most answers
        // take to build.
        setUnlessSet("sun.net.httpserver.nodelay", true);
    }

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    public AggregatorHttpServer(String bindAddress, int port, PrometheusRegistry registry, HttpHandler api, HttpHandler health) {
        int threads = Math.max(1, Integer.getInteger(MAX_CONNECTIONS_PROPERTY, MAX_CONNECTIONS));
        // A thread per connection, started when one is needed and ended when idle, so an idle server holds none.
        executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "gemtrack-http");
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port
                    + " (is another aggregator running? choose another with --http-port)", e);
        }
        server.createContext("/metrics", metricsEndpoint(new MetricsHandler(registry)));
        server.createContext("/api/", api);
        server.createContext("/health", health);
        server.createContext("/", new WebViewHandler());
        server.setExecutor(executor);
        server.start();
    }

    private static void setUnlessSet(String property, Object value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, String.valueOf(value));
        }
    }

    /**
     * client_java's handler answers any method, at any path its context matches ({@code /metricsx}, {@code
     * /metrics/x}): here only GET and HEAD of {@code /metrics} itself.
     */
    private static HttpHandler metricsEndpoint(HttpHandler metrics) {
        return exchange -> {
            if (!exchange.getRequestURI().getRawPath().equals("/metrics")) {
                respond(exchange, 404, TEXT, "not found: " + exchange.getRequestURI().getPath() + "\n");
            } else if (!isGetOrHead(exchange)) {
                respondMethodNotAllowed(exchange);
            } else {
                metrics.handle(exchange);
            }
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    static boolean isGetOrHead(HttpExchange exchange) {
        return exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD");
    }

    /** Sets the Allow header that a 405 must carry, for a caller that answers 405 in a format of its own. */
    static void refuseMethod(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Allow", ALLOWED_METHODS);
    }

    static void respondMethodNotAllowed(HttpExchange exchange) throws IOException {
        refuseMethod(exchange);
        respond(exchange, 405, TEXT, "only " + ALLOWED_METHODS + " are supported\n");
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A HEAD request gets the headers a GET would, Content-Length included, and no body. */
    static void respond(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
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
