package io.gemtrack.producer.truth;

/** The live GEM objects of one memory region of one DRM device: how many, their size and their resident bytes. */
public record RegionTruth(int minor, String region, long capacityBytes, long objects, long gemBytes, long residentBytes) {
}
