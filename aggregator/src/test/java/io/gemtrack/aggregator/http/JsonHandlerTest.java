package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON plumbing of every API answer, over real HTTP: a route that throws is a JSON 500 with a log line, never a
 * connection reset; a client's mistake keeps its own status.
 */
class JsonHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anUnexpectedErrorIsAJson500NamingItAndIsLogged() throws Exception {
        JsonHandler failing = new JsonHandler(uri -> {
            throw new IllegalStateException("no view of " + uri.getPath());
        });
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        HttpResponse<String> answer;
        // slf4j-simple writes to whatever System.err is at the time of the call.
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (AggregatorHttpServer server = new AggregatorHttpServer("127.0.0.1", 0, new PrometheusRegistry(), failing, failing)) {
            answer = get(server, "/api/hosts/a");
        } finally {
            System.setErr(stderr);
        }

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("status").asInt()).isEqualTo(500);
        assertThat(body.get("error").asText()).isEqualTo("internal error: java.lang.IllegalStateException: no view of /api/hosts/a");
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("ERROR", "GET /api/hosts/a failed; answered 500", "java.lang.IllegalStateException: no view of /api/hosts/a",
                        "at io.gemtrack.aggregator.http.JsonHandlerTest");
    }

    @Test
    void aClientsMistakeKeepsItsStatusAndAnAnswerIsWrittenAsJson() throws Exception {
        JsonHandler route = new JsonHandler(uri -> {
            if (uri.getPath().endsWith("/missing")) {
                throw new ApiException(404, "unknown host missing");
            }
            return JsonHandler.json(200, Map.of("path", uri.getPath()));
        });
        try (AggregatorHttpServer server = new AggregatorHttpServer("127.0.0.1", 0, new PrometheusRegistry(), route, route)) {
            HttpResponse<String> missing = get(server, "/api/hosts/missing");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(missing.body()).get("error").asText()).isEqualTo("unknown host missing");

            HttpResponse<String> found = get(server, "/api/hosts/a");
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(found.body()).get("path").asText()).isEqualTo("/api/hosts/a");

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(server, "/api/hosts/a"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(JSON.readTree(post.body()).get("error").asText()).isEqualTo("only GET, HEAD are supported");
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
    }

    private HttpResponse<String> get(AggregatorHttpServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(server, path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(AggregatorHttpServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
