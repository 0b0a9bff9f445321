package io.gemtrack.producer.truth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a driver reports of an object besides its residency (SEMANTICS.md §3), by the names the aggregator gives
 * them: maps of these names, always in this order, hold every one.
 */
public final class StatusFigures {

    public static final List<String> NAMES = List.of("purgeable", "active", "evicted");

    private StatusFigures() {
    }

    /** The figures of one object, by name. */
    static Map<String, Long> of(ObjectTruth object) {
        Map<String, Long> byName = new LinkedHashMap<>();
        byName.put("purgeable", object.purgeableBytes());
        byName.put("active", object.activeBytes());
        byName.put("evicted", object.evictedBytes());
        return byName;
    }

    static Map<String, Long> zeros() {
        Map<String, Long> byName = new LinkedHashMap<>();
        NAMES.forEach(name -> byName.put(name, 0L));
        return byName;
    }

    static Map<String, Long> copy(Map<String, Long> byName) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }
}
