package io.gemtrack.policy;

/**
 * What a driver reports of an object's memory besides its residency (SEMANTICS.md §3), each a byte figure of the
 * object: summed per host over live objects, and per process over the objects it holds. The constants are lower-case
 * because their names are the ones used in the API and in metric labels.
 */
public enum StatusFigure {

    /** Backed, marked discardable by its user (madvise), not busy: the driver may drop it under pressure. */
    purgeable,

    /** Busy on one of the device's engines. */
    active,

    /** Resident outside the placement the buffer prefers (amdgpu's VRAM evicted to GTT or system memory). */
    evicted
}
