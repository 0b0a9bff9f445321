package io.gemtrack.producer.kernel;

import io.gemtrack.events.EventBody;

/** A GEM object: its backing, its residency, the mm that created it, and counts of every kind of reference. */
final class GemObject {

    final long id;
    final DrmDevice device;
    final DrmDevice.MemoryRegion region;
    final long sizeBytes;
    /** The mm of the creating process at creation, for the object's whole life (the RFC's {@code obj->mm}). */
    final Mm creatorMm;
    long residentBytes;
    /** What the driver last reported of the object besides residency (GemStatus): purgeable, active, evicted bytes. */
    long purgeableBytes;
    long activeBytes;
    long evictedBytes;
    int handles;
    /** The live dma-buf exported from the object, {@code null} if none: the kernel exports an object once. */
    DmaBuf dmaBuf;
    int mappings;
    /**
     * The cgroup the dmem controller charges the object's device memory to: the creating task's at creation, for the
     * object's whole life (a pool is charged once and uncharged on free, wherever the task moves).
     */
    final String dmemCgroup;

    GemObject(long id, DrmDevice device, DrmDevice.MemoryRegion region, long sizeBytes, Mm creatorMm, String dmemCgroup) {
        this.id = id;
        this.device = device;
        this.region = region;
        this.sizeBytes = sizeBytes;
        this.creatorMm = creatorMm;
        this.dmemCgroup = dmemCgroup;
    }

    boolean referenced() {
        return handles > 0 || dmaBuf != null || mappings > 0;
    }

    @Override
    public String toString() {
        return "object " + id;
    }

    /** What the RFC charges: the full size in pages, however little of it is resident. */
    long pages() {
        return sizeBytes / EventBody.PAGE_SIZE;
    }
}
