package io.gemtrack.reliability;

import io.gemtrack.testkit.ApiClient;
import java.util.Map;
import java.util.TreeMap;

/** What a test sees of a running aggregator, in this JVM or another: its JSON API and its {@code /metrics}. */
final class AggregatorEndpoint {

    private final int port;
    private final ApiClient api;

    AggregatorEndpoint(int port) {
        this.port = port;
        this.api = new ApiClient(port);
    }

    int port() {
        return port;
    }

    ApiClient api() {
        return api;
    }

    String metricsUrl() {
        return "http://127.0.0.1:" + port + "/metrics";
    }

    /** Every host it owns with the last {@code seq} applied. */
    Map<String, Long> lastSeqs() {
        Map<String, Long> lastSeqs = new TreeMap<>();
        api.get("/api/hosts").body().forEach(host -> lastSeqs.put(host.get("host").asText(), host.get("lastSeq").asLong()));
        return lastSeqs;
    }

    @Override
    public String toString() {
        return "aggregator at 127.0.0.1:" + port;
    }
}
