package io.gemtrack.producer.truth;

/**
 * The live GEM objects of one memory region of one DRM device: how many, their size and their resident bytes; and
 * what the device last reported it uses there, where it reports that.
 */
public record RegionTruth(int minor, String region, long capacityBytes, long objects, long gemBytes, long residentBytes,
                          boolean deviceReported, long deviceUsedBytes) {

    /** The device's use that no object accounts for: what it uses beyond its objects' resident bytes (SEMANTICS.md §5). */
    public long unattributedBytes() {
        return Math.max(0, deviceUsedBytes - residentBytes);
    }
}
