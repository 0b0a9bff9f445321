package io.gemtrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client of an aggregator's JSON API, for the commands that show it on a terminal (status lines, {@code top}). */
final class AggregatorApi {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** @param base the aggregator's address, {@code http://localhost:9400} */
    AggregatorApi(String base) {
        this.base = base.replaceFirst("/+$", "");
    }

    String base() {
        return base;
    }

    /**
     * The answer to GET {@code path}.
     *
     * @throws UncheckedIOException naming the address and why, when the aggregator cannot be reached or answers an error
     */
    JsonNode get(String path) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                throw new IOException(base + path + " answered " + response.statusCode() + ": " + body.path("error").asText());
            }
            return body;
        } catch (ConnectException e) {
            // The JDK's client says nothing more than its type when nothing listens.
            throw new UncheckedIOException("GET " + base + path + ": connection refused", e);
        } catch (HttpTimeoutException e) {
            throw new UncheckedIOException("GET " + base + path + ": no answer within " + TIMEOUT.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + base + path + ": " + FailureReport.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code /api/hosts/HOST}, the host's name escaped for a path segment. */
    static String host(String name) {
        return "/api/hosts/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
