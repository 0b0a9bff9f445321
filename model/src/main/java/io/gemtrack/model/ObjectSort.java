package io.gemtrack.model;

/** The orders in which a host's live objects can be listed a page at a time ({@link HostModel#objects(ObjectSort, int, int)}). */
public enum ObjectSort {
    /** Ascending object id. */
    id,
    /** Largest first; objects of one size by ascending id. */
    size
}
