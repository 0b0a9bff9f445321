package io.gemtrack.events;

/**
 * An event that is well-formed JSON of a known type but breaks a rule of the schema (a negative size, a
 * blank host). Thrown by the records themselves, so no invalid event can exist in memory.
 */
public final class InvalidEventException extends IllegalArgumentException {

    private final String field;
    private final String reason;

    public InvalidEventException(String field, String reason) {
        super("field '" + field + "' " + reason);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
