package io.gemtrack.events;

import java.util.Objects;

/**
 * One fact reported by a host, wrapped in the envelope every event carries.
 *
 * <p>{@code seq} numbers the events of one host boot without gaps, so a consumer can tell a duplicate
 * from a loss; {@code ts} is the kernel's monotonic clock in nanoseconds. The Kafka key of an event is
 * its host, which keeps all events of a host in order in one partition.
 */
public record Event(String host, String bootId, long seq, long ts, EventBody body) {

    /** The schema version this code writes and the only one it reads. */
    public static final int SCHEMA_VERSION = 1;

    public Event {
        checkSource(host, bootId);
        Check.nonNegative("seq", seq);
        Check.atMost("seq", seq, Bounds.MAX_SEQ);
        Check.nonNegative("ts", ts);
        Check.atMost("ts", ts, Bounds.MAX_TS);
        Objects.requireNonNull(body, "body");
    }

    /** The rules for the host and boot every event of one stamper carries. */
    static void checkSource(String host, String bootId) {
        Check.hostName("host", host);
        Check.text("bootId", bootId, Bounds.MAX_BOOT_ID_BYTES);
    }

    /** The event's type name as written in the {@code type} field, e.g. {@code GemCreate}. */
    public String type() {
        return EventBody.typeName(body.getClass());
    }
}
