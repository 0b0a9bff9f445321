package io.gemtrack.model;

import java.util.Comparator;

/** The orders in which a host's live objects can be listed a page at a time ({@link HostModel#objects(ObjectSort, int, int)}). */
public enum ObjectSort {
    /** Ascending object id. */
    id(Comparator.comparingLong(GemObject::id)),
    /** Largest first; objects of one size by ascending id. */
    size(Comparator.comparingLong(GemObject::sizeBytes).reversed().thenComparingLong(GemObject::id));

    private final Comparator<GemObject> order;

    ObjectSort(Comparator<GemObject> order) {
        this.order = order;
    }

    /** The order as a comparator, for objects not read from the host's own order (a process's). */
    public Comparator<GemObject> order() {
        return order;
    }
}
