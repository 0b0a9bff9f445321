package io.gemtrack.events;

/**
 * Stamps event bodies of one host boot with the envelope: consecutive {@code seq} numbers from 0 and the
 * caller's monotonic timestamp. Not thread-safe; one per host.
 */
public final class EventStamper {

    private final String host;
    private final String bootId;
    private long nextSeq;

    public EventStamper(String host, String bootId) {
        this(host, bootId, 0);
    }

    /** @throws InvalidEventException when no event may carry {@code host} or {@code bootId}: at once, not at the first event */
    public EventStamper(String host, String bootId, long nextSeq) {
        Event.checkSource(host, bootId);
        this.host = host;
        this.bootId = bootId;
        this.nextSeq = nextSeq;
    }

    public Event stamp(long ts, EventBody body) {
        return new Event(host, bootId, nextSeq++, ts, body);
    }

    public String host() {
        return host;
    }

    public String bootId() {
        return bootId;
    }

    public long nextSeq() {
        return nextSeq;
    }
}
