package io.gemtrack.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Prometheus' HTTP API at a base address: the server the tests start, or the compose stack's. */
final class PrometheusApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI base;

    /** @param base where Prometheus answers, e.g. {@code http://127.0.0.1:9090} */
    PrometheusApi(URI base) {
        this.base = base;
    }

    /** Whether Prometheus answers and has loaded its configuration; false while it is not listening yet. */
    boolean ready() throws InterruptedException {
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException notListening) {
            return false;
        }
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
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
