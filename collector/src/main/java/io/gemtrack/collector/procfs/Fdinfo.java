package io.gemtrack.collector.procfs;

import io.gemtrack.collector.procfs.OpenFd.DeviceNode;
import io.gemtrack.collector.procfs.OpenFd.DmaBuf;
import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import io.gemtrack.collector.procfs.OpenFd.RegionUsage;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** What {@code /proc/PID/fdinfo/N} says about a DRM client or a dma-buf. */
final class Fdinfo {

    // xe prints GPU cycle counters under this prefix; they are not a memory region.
    private static final String CYCLES_PREFIX = "drm-total-cycles-";

    private Fdinfo() {
    }

    /**
     * A DRM client from the usage-stats keys, on {@code node}, whose device sysfs names {@code sysfsDevice}. Per region,
     * {@code drm-total-} is the size of its buffers, {@code drm-shared-} the part shared with other files,
     * {@code drm-resident-} the part with backing store, and of that {@code drm-purgeable-} and {@code drm-active-}.
     * The deprecated {@code drm-memory-} (amdgpu only; an alias of resident, before that of total) stands in for both
     * where the newer keys are missing, amdgpu's {@code amd-requested-} (its buffers by preferred placement, as
     * {@code drm-total-} is) before it for the total. A driver that reports totals but no residency gets its total
     * as resident: the memory is allocated as far as anyone can tell. amdgpu's {@code amd-evicted-} are read for the
     * client's regions ({@code amd-evicted-visible-vram}, a part of {@code amd-evicted-vram}, is not one).
     */
    static DrmClient drmClient(KeyValues fdinfo, DeviceNode node, Optional<String> sysfsDevice) throws MalformedProcFileException {
        String driver = fdinfo.requiredText("drm-driver");
        String device = fdinfo.text("drm-pdev").or(() -> sysfsDevice).orElse(node.major() + ":" + node.minor());
        OptionalLong clientId = fdinfo.text("drm-client-id").isPresent() ? OptionalLong.of(fdinfo.requiredLong("drm-client-id"))
                : OptionalLong.empty();
        SortedMap<String, Long> totals = regionSizes(fdinfo, "drm-total-");
        SortedMap<String, Long> shared = regionSizes(fdinfo, "drm-shared-");
        SortedMap<String, Long> residents = regionSizes(fdinfo, "drm-resident-");
        SortedMap<String, Long> legacy = regionSizes(fdinfo, "drm-memory-");
        SortedMap<String, Long> requested = regionSizes(fdinfo, "amd-requested-");
        SortedMap<String, Long> purgeable = regionSizes(fdinfo, "drm-purgeable-");
        SortedMap<String, Long> active = regionSizes(fdinfo, "drm-active-");
        SortedMap<String, Long> evictedKeys = regionSizes(fdinfo, "amd-evicted-");
        SortedMap<String, RegionUsage> regions = new TreeMap<>();
        SortedMap<String, Long> evicted = new TreeMap<>();
        TreeSet<String> names = new TreeSet<>(totals.keySet());
        names.addAll(legacy.keySet());
        for (String region : names) {
            long total = totals.containsKey(region) ? totals.get(region)
                    : requested.containsKey(region) ? requested.get(region) : legacy.get(region);
            long resident = residents.containsKey(region) ? residents.get(region) : legacy.getOrDefault(region, total);
            regions.put(region, new RegionUsage(total, shared.getOrDefault(region, 0L), resident,
                    purgeable.getOrDefault(region, 0L), active.getOrDefault(region, 0L)));
            if (evictedKeys.getOrDefault(region, 0L) > 0) {
                evicted.put(region, evictedKeys.get(region));
            }
        }
        return new DrmClient(driver, device, clientId, node, regions, evicted);
    }

    private static SortedMap<String, Long> regionSizes(KeyValues fdinfo, String prefix) throws MalformedProcFileException {
        SortedMap<String, Long> sizes = new TreeMap<>();
        for (String key : fdinfo.keysStartingWith(prefix)) {
            if (!key.startsWith(CYCLES_PREFIX)) {
                sizes.put(key.substring(prefix.length()), fdinfo.requiredBytes(key));
            }
        }
        return sizes;
    }

    /** Where a buffer's inode comes from when fdinfo has none: stat(2) of the fd. */
    @FunctionalInterface
    interface InodeSource {
        long inode() throws IOException;
    }

    /**
     * A dma-buf from the generic {@code ino} key and the dma-buf keys {@code size} (bytes), {@code count} and
     * {@code exp_name} (drivers/dma-buf/dma-buf.c, dma_buf_show_fdinfo). Kernels before 5.14 print no {@code ino};
     * the buffer's inode is then {@code stat}'s.
     */
    static DmaBuf dmaBuf(KeyValues fdinfo, InodeSource stat) throws IOException {
        long size = fdinfo.requiredBytes("size");
        if (size == 0) {
            throw fdinfo.malformed("a dma-buf of 0 bytes");
        }
        long inode = fdinfo.text("ino").isPresent() ? fdinfo.requiredLong("ino") : stat.inode();
        return new DmaBuf(inode, fdinfo.requiredText("exp_name"), size, fdinfo.requiredLong("count"));
    }
}
