package io.gemtrack.aggregator.model;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import java.util.HashMap;
import java.util.Map;

/**
 * The state of one host, folded from its events. A pure function of the events applied: no I/O, no clock,
 * so it can be replayed and compared. Not thread-safe; the caller serialises access.
 */
public final class HostModel {

    private final String host;
    private String bootId;
    private long nextSeq = -1;
    private long sequenceGaps;
    private final Map<Long, Long> objectSizes = new HashMap<>();
    private long gemBytes;

    public HostModel(String host) {
        this.host = host;
    }

    public ApplyResult apply(Event event) {
        if (!event.bootId().equals(bootId)) {
            bootId = event.bootId();
            nextSeq = event.seq();
        }
        if (event.seq() < nextSeq) {
            return ApplyResult.DUPLICATE;
        }
        if (event.seq() > nextSeq) {
            sequenceGaps++;
        }
        ApplyResult result = ApplyResult.APPLIED;
        if (event.body() instanceof GemCreate create) {
            result = create(create);
        } else if (event.body() instanceof GemFree free) {
            result = free(free);
        }
        nextSeq = event.seq() + 1;
        return result;
    }

    private ApplyResult create(GemCreate create) {
        if (objectSizes.putIfAbsent(create.object(), create.sizeBytes()) != null) {
            return ApplyResult.rejected("GemCreate of object " + create.object() + ", which already exists");
        }
        gemBytes += create.sizeBytes();
        return ApplyResult.APPLIED;
    }

    private ApplyResult free(GemFree free) {
        Long size = objectSizes.remove(free.object());
        if (size == null) {
            return ApplyResult.rejected("GemFree of unknown object " + free.object());
        }
        gemBytes -= size;
        return ApplyResult.APPLIED;
    }

    public String host() {
        return host;
    }

    public long liveObjects() {
        return objectSizes.size();
    }

    public long gemBytes() {
        return gemBytes;
    }

    public long sequenceGaps() {
        return sequenceGaps;
    }
}
