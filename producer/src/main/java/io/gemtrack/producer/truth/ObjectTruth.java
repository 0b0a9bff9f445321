package io.gemtrack.producer.truth;

import java.util.List;

/**
 * One live GEM object as the kernel knows it.
 *
 * @param creatorPid     the process whose mm created the object (it may since have exec'ed or exited)
 * @param creatorMmAlive whether that mm still lives, so the RFC still charges its owner
 * @param holders        the processes holding the object by an fd (to a DRM file with a handle to it, or to
 *                       one of its dma-bufs) or a mapping, in ascending pid order (SEMANTICS.md §4)
 * @param purgeableBytes what the driver last reported of the object (SEMANTICS.md §3), as are {@code activeBytes}
 *                       and {@code evictedBytes}
 */
public record ObjectTruth(long object, int minor, String region, long sizeBytes, long residentBytes, int creatorPid,
                          boolean creatorMmAlive, List<Integer> holders, long purgeableBytes, long activeBytes, long evictedBytes) {

    public ObjectTruth {
        holders = List.copyOf(holders);
    }
}
