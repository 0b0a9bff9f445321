package io.gemtrack.events;

/**
 * A record that cannot be read as an event. {@link #kind()} is a small fixed set, fit for a metric label;
 * {@link #field()} and {@link #getMessage()} say exactly what was wrong, for the dead-letter record.
 */
public final class MalformedEventException extends Exception {

    /**
     * Why a record was rejected; the names are used as metric label values. {@code OUT_OF_BOUNDS}: a value of the
     * right kind beyond one of the schema's {@link Bounds}; {@code INVALID_VALUE}: any other rule of the schema broken.
     */
    public enum Kind {
        NOT_JSON, NOT_AN_OBJECT, UNSUPPORTED_SCHEMA, UNKNOWN_TYPE, MISSING_FIELD, UNKNOWN_FIELD, WRONG_TYPE,
        INVALID_VALUE, OUT_OF_BOUNDS
    }

    private final Kind kind;
    private final String field;

    public MalformedEventException(Kind kind, String field, String detail) {
        super(field == null ? kind.name() + ": " + detail : kind.name() + ": field '" + field + "' " + detail);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The offending field as a dotted path, or {@code null} when the whole record is at fault. */
    public String field() {
        return field;
    }
}
