package io.gemtrack.aggregator.http;

import io.gemtrack.aggregator.kafka.ConsumerStatus;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.ProcessExits;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The aggregator's HTTP port on a free port in front of a fleet model a test fills by hand: the API, /metrics, /health. */
final class FleetServer implements AutoCloseable {

    private final FleetHistory history;
    private final AggregatorHttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    FleetServer(SharedFleet shared, PrometheusRegistry registry, HostActivity activity) {
        this(shared, registry, activity, null);
    }

    /** @param asOf answers questions about the past; {@code null}: such questions are refused */
    FleetServer(SharedFleet shared, PrometheusRegistry registry, HostActivity activity, AsOfAnswers asOf) {
        history = new FleetHistory(shared);
        server = new AggregatorHttpServer("127.0.0.1", 0, registry, new ApiHandler(shared, history, activity, new ProcessExits(), asOf),
                new HealthHandler(new ConsumerStatus()));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        server.close();
        history.close();
    }
}
