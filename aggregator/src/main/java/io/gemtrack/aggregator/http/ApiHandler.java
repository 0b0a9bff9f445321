package io.gemtrack.aggregator.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gemtrack.aggregator.model.FleetModel;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The JSON API. Answers are computed under the fleet's lock, so each is one consistent view. */
public final class ApiHandler implements HttpHandler {

    private final FleetModel fleet;
    private final ObjectMapper json = new ObjectMapper();

    public ApiHandler(FleetModel fleet) {
        this.fleet = fleet;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!exchange.getRequestMethod().equals("GET")) {
            error(exchange, 405, "only GET is supported");
        } else if (path.equals("/api/hosts")) {
            ok(exchange, hosts());
        } else {
            error(exchange, 404, "no such resource: " + path);
        }
    }

    private List<Map<String, Object>> hosts() {
        synchronized (fleet) {
            return fleet.hosts().stream()
                    .map(host -> Map.<String, Object>of(
                            "host", host.host(),
                            "gemBytes", host.gemBytes(),
                            "gemObjects", host.liveObjects(),
                            "sequenceGaps", host.sequenceGaps()))
                    .toList();
        }
    }

    private void ok(HttpExchange exchange, Object body) throws IOException {
        AggregatorHttpServer.respond(exchange, 200, "application/json", json.writeValueAsString(body));
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        AggregatorHttpServer.respond(exchange, status, "application/json",
                json.writeValueAsString(Map.of("error", message, "status", status)));
    }

}
