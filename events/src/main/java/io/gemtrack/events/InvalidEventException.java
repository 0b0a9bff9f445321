package io.gemtrack.events;

/**
 * An event that is well-formed JSON of a known type but breaks a rule of the schema (a negative size, a
 * blank host) or exceeds one of its {@link Bounds}. Thrown by the records themselves, so no invalid event can
 * exist in memory.
 */
public final class InvalidEventException extends IllegalArgumentException {

    private final String field;
    private final String reason;
    private final boolean outOfBounds;

    public InvalidEventException(String field, String reason) {
        this(field, reason, false);
    }

    private InvalidEventException(String field, String reason, boolean outOfBounds) {
        super("field '" + field + "' " + reason);
        this.field = field;
        this.reason = reason;
        this.outOfBounds = outOfBounds;
    }

    /** A value of the right kind that is larger (or longer) than the schema's bound for the field. */
    static InvalidEventException outOfBounds(String field, String reason) {
        return new InvalidEventException(field, reason, true);
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** Whether the value broke one of the {@link Bounds} rather than another rule. */
    public boolean outOfBounds() {
        return outOfBounds;
    }
}
