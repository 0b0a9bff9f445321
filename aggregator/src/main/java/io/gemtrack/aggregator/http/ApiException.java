package io.gemtrack.aggregator.http;

/** A request the API cannot answer, with the HTTP status that says why: a client's mistake, not a failure. */
final class ApiException extends Exception {

    private final int status;

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
