package io.gemtrack.aggregator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gemtrack.aggregator.kafka.ConsumerStatus;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /health}: 200 while the event consumer is consuming, 503 once it has failed or stopped, for a
 * supervisor's probe. The body names the state and, after a failure, the error:
 * {@code {"state":"failed","error":"java.lang.OutOfMemoryError: Java heap space"}}.
 */
public final class HealthHandler implements HttpHandler {

    private final JsonHandler json;

    public HealthHandler(ConsumerStatus status) {
        this.json = new JsonHandler(uri -> {
            if (!uri.getPath().equals("/health")) {
                throw new ApiException(404, "no such resource: " + uri.getPath());
            }
            ConsumerStatus.State state = status.state();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("state", state.name().toLowerCase(Locale.ROOT));
            status.failure().ifPresent(failure -> body.put("error", failure.toString()));
            return JsonHandler.json(state == ConsumerStatus.State.CONSUMING ? 200 : 503, body);
        });
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        json.handle(exchange);
    }
}
