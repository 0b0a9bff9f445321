package io.gemtrack.collector.procfs;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One cgroup's memory files as read in one sample (cgroup v2): {@code memory.current}, {@code memory.max}
 * ({@link #NO_LIMIT} for {@code max}), and the dmem controller's {@code dmem.current} and {@code dmem.max} lines
 * by device (as the DRM core names it in {@code drm/DEVICE/REGION}) and region.
 */
public record CgroupUsage(String path, long memoryCurrentBytes, long memoryMaxBytes,
                          SortedMap<String, SortedMap<String, Dmem>> dmem) {

    public static final long NO_LIMIT = -1;

    public CgroupUsage {
        dmem = Collections.unmodifiableSortedMap(new TreeMap<>(dmem));
    }

    /** A region's {@code dmem.current} and {@code dmem.max} ({@link #NO_LIMIT} for {@code max}). */
    public record Dmem(long currentBytes, long maxBytes) {
    }
}
