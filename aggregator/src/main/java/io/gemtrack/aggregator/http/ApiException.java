package io.gemtrack.aggregator.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the API cannot answer, with the HTTP status that says why: a client's mistake, not a failure; and headers
 * its answer carries besides.
 */
final class ApiException extends Exception {

    private final int status;
    private final Map<String, String> headers;

    ApiException(int status, String message) {
        this(status, message, Map.of());
    }

    private ApiException(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    Map<String, String> headers() {
        return headers;
    }

    /** The same refusal, its answer carrying {@code name: value} too. */
    ApiException withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiException(status, getMessage(), more);
    }
}
