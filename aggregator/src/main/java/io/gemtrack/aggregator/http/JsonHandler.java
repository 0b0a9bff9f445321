package io.gemtrack.aggregator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GET and HEAD requests with JSON, whatever happens: the route's answer; for an {@link ApiException} its status with
 * the reason; for anything unexpected a 500 naming the error, logged with its stack trace. Without this an exception
 * escaping a handler makes the JDK's server drop the connection, and the client sees a reset rather than an answer.
 */
final class JsonHandler implements HttpHandler {

    /** A status, its body, already JSON, and headers to send besides the content type. */
    record Answer(int status, byte[] body, Map<String, String> headers) {

        Answer(int status, byte[] body) {
            this(status, body, Map.of());
        }

        Answer withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, body, more);
        }
    }

    /** What a GET (or HEAD) of {@code uri} is answered with. */
    @FunctionalInterface
    interface Route {
        Answer answer(URI uri) throws ApiException, IOException;
    }

    private static final Logger log = LoggerFactory.getLogger(JsonHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Route route;

    JsonHandler(Route route) {
        this.route = route;
    }

    /** {@code value} written by Jackson, with {@code status}. */
    static Answer json(int status, Object value) throws JsonProcessingException {
        return new Answer(status, JSON.writeValueAsBytes(value));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        try {
            if (!AggregatorHttpServer.isGetOrHead(exchange)) {
                AggregatorHttpServer.refuseMethod(exchange);
                throw new ApiException(405, "only " + AggregatorHttpServer.ALLOWED_METHODS + " are supported");
            }
            answer = route.answer(exchange.getRequestURI());
        } catch (ApiException e) {
            Answer refusal = error(e.status(), e.getMessage());
            answer = new Answer(refusal.status(), refusal.body(), e.headers());
        } catch (RuntimeException | IOException e) {
            log.error("GET {} failed; answered 500", exchange.getRequestURI(), e);
            answer = error(500, "internal error: " + e);
        }
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        AggregatorHttpServer.respond(exchange, answer.status(), "application/json", answer.body());
    }

    private static Answer error(int status, String message) throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        return json(status, body);
    }
}
