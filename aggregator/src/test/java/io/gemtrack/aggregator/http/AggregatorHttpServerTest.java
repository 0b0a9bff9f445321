package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.ConsumerStatus;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.model.FleetModel;
import io.gemtrack.testkit.BasicScenario;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The aggregator's HTTP server over real sockets, against clients that are slow, use other methods or odd paths. */
class AggregatorHttpServerTest {

    /** Valid in the schema, and needing escapes in a URL path: a space, '#', '?', '%' and a letter beyond ASCII. */
    private static final String HOST = "rack 7 #1 (gpü)?+%";
    /** Far longer than any answer here takes: the tests wait for answers, they do not time them. */
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final FleetModel fleet = new FleetModel();
    private final SharedFleet shared = new SharedFleet(fleet);
    private final FleetHistory history = new FleetHistory(shared);
    private final AggregatorHttpServer server = startedOn(fleet, shared, history);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PATIENCE).build();
    private final List<Socket> slowClients = new ArrayList<>();

    private static AggregatorHttpServer startedOn(FleetModel fleet, SharedFleet shared, FleetHistory history) {
        BasicScenario.events(HOST, "boot-1").forEach(fleet::apply);
        PrometheusRegistry registry = new PrometheusRegistry();
        HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
        new AggregatorMetrics(registry, shared, activity);
        return new AggregatorHttpServer("127.0.0.1", 0, registry, new ApiHandler(shared, history, activity),
                new HealthHandler(new ConsumerStatus()));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : slowClients) {
            client.close();
        }
        server.close();
        history.close();
    }

    /** Four times as many as the server had threads when each slow client took one of its four for good. */
    @Test
    void clientsThatNeverFinishTheirRequestsKeepNoOneElseWaiting() throws Exception {
        for (int i = 0; i < 16; i++) {
            // Stopped in the request line, in the headers, just before the blank line that ends them.
            String partial = List.of("GE", "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n", "GET /api/hosts HTTP/1.1\r\nHo")
                    .get(i % 3);
            slowClients.add(sending(partial));
        }

        HttpResponse<String> metrics = get("/metrics");
        HttpResponse<String> hosts = get("/api/hosts");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("gemtrack_host_gem_bytes{host=\"" + HOST + "\"} ");
        assertThat(hosts.statusCode()).isEqualTo(200);
        assertThat(hosts.body()).contains("\"host\":\"" + HOST + "\"");
        for (Socket client : slowClients) {
            assertThat(isOpen(client)).as("a slow client is still connected, so the answers came while they were").isTrue();
        }
    }

    /** The JDK server's request timeout (a system property) is in force: headers that never end cost a connection for a while only. */
    @Test
    void aRequestWhoseHeadersNeverEndIsClosed() throws Exception {
        Socket client = sending("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        slowClients.add(client);

        client.setSoTimeout((int) PATIENCE.toMillis());
        int read;
        try {
            read = client.getInputStream().read();
        } catch (SocketException reset) {
            read = -1;
        }

        assertThat(read).as("the server ends the connection, by end of stream or by a reset").isEqualTo(-1);
    }

    @Test
    void everyPathAnswersOnlyGetAndHead() throws Exception {
        for (String path : List.of("/metrics", "/api/hosts", "/", "/hosts/x")) {
            for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
                HttpResponse<String> refused = send(method, path);
                assertThat(refused.statusCode()).as("%s %s", method, path).isEqualTo(405);
                assertThat(refused.headers().firstValue("Allow")).as("%s %s", method, path).contains("GET, HEAD");
            }
        }
        assertThat(send("POST", "/api/hosts").body()).as("the API's errors are JSON")
                .contains("\"error\":\"only GET, HEAD are supported\"", "\"status\":405");
    }

    /**
     * HEAD gets GET's status and headers, its length included, and no body. Of /metrics only the model's series,
     * which stay the same between the two requests (the JVM's own, such as its heap in use, do not).
     */
    @Test
    void headAnswersAsGetWouldWithoutTheBody() throws Exception {
        for (String path : List.of("/metrics?name%5B%5D=gemtrack_hosts&name%5B%5D=gemtrack_host_gem_bytes", "/api/hosts", "/",
                "/api/nothing", "/nothing")) {
            HttpResponse<String> got = get(path);
            HttpResponse<String> head = send("HEAD", path);
            assertThat(head.statusCode()).as(path).isEqualTo(got.statusCode());
            assertThat(head.headers().firstValue("Content-Type")).as(path).isEqualTo(got.headers().firstValue("Content-Type"));
            assertThat(head.headers().firstValue("Content-Length")).as(path)
                    .contains(Integer.toString(got.body().getBytes(StandardCharsets.UTF_8).length));
            assertThat(head.body()).as(path).isEmpty();
        }
    }

    @Test
    void nothingBelowOrBesideMetricsIsFound() throws Exception {
        for (String path : List.of("/metrics/foo", "/metrics/", "/metricsfoo", "/metrics/../api/hosts")) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(get("/metrics?debug=text").statusCode()).isEqualTo(200);
    }

    @Test
    void aHostIsNamedInTheApiWithPercentEscapes() throws Exception {
        String escaped = URLEncoder.encode(HOST, StandardCharsets.UTF_8).replace("+", "%20");

        HttpResponse<String> host = get("/api/hosts/" + escaped);
        HttpResponse<String> processes = get("/api/hosts/" + escaped + "/processes?policy=holder");

        assertThat(host.statusCode()).isEqualTo(200);
        assertThat(host.body()).contains("\"host\":\"" + HOST + "\"");
        assertThat(processes.statusCode()).isEqualTo(200);
        assertThat(processes.body()).contains("\"pid\":200");
        // Each segment is decoded on its own: an escaped '/' is part of the name, not a step of the path.
        HttpResponse<String> slash = get("/api/hosts/rack%2Fh");
        assertThat(slash.statusCode()).isEqualTo(404);
        assertThat(slash.body()).contains("unknown host rack/h");
    }

    private Socket sending(String partialRequest) throws IOException {
        Socket client = new Socket("127.0.0.1", server.port());
        client.getOutputStream().write(partialRequest.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        return client;
    }

    /** Whether the server has not closed the connection: a read waits instead of seeing the end of the stream. */
    private static boolean isOpen(Socket client) throws IOException {
        client.setSoTimeout(200);
        InputStream in = client.getInputStream();
        try {
            return in.read() != -1;
        } catch (SocketTimeoutException waiting) {
            return true;
        } catch (SocketException reset) {
            return false;
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path);
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(PATIENCE).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
