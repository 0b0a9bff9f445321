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

    GemObject(long id, DrmDevice device, DrmDevice.MemoryRegion region, long sizeBytes, Mm creatorMm) {
        this.id = id;
        this.device = device;
        this.region = region;
        this.sizeBytes = sizeBytes;
        this.creatorMm = creatorMm;
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
