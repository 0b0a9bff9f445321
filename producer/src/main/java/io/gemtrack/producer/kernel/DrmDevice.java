package io.gemtrack.producer.kernel;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.Region;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A DRM device (card minor) and its memory regions, each with a capacity that resident bytes may not exceed. */
final class DrmDevice {

    /**
     * A region's capacity and the bytes resident in it now. A device that reports its own use of a region counts
     * the region's resident bytes and its own share, {@code firmwareBytes} (firmware, page tables, the kernel's
     * buffers), which no object stands for; {@code reportedUsedBytes} is what it last reported, -1 before that.
     */
    static final class MemoryRegion {
        final String name;
        final long capacityBytes;
        final long firmwareBytes;
        long residentBytes;
        long reportedUsedBytes = -1;

        MemoryRegion(String name, long capacityBytes, long firmwareBytes) {
            this.name = name;
            this.capacityBytes = capacityBytes;
            this.firmwareBytes = firmwareBytes;
        }

        long usedBytes() {
            return residentBytes + firmwareBytes;
        }

        boolean fits(long bytes) {
            return residentBytes + bytes <= capacityBytes;
        }

        /** Device-local memory (VRAM) is the device's own; every other region's resident bytes are the host's RAM. */
        boolean systemMemory() {
            return !name.equals("vram");
        }

        /** CMA memory is allocated up front: an object there is resident in full from creation to free. */
        boolean contiguous() {
            return name.equals("cma");
        }
    }

    /** What a device that reports its use keeps for itself in each region: 1/64 of it, in whole pages. */
    private static final long FIRMWARE_SHARE = 64;

    final int minor;
    final String driver;
    final List<Region> declared;
    /** Whether the device reports its own use of its regions and its objects' status, as amdgpu does. */
    final boolean reportsUse;
    final Map<String, MemoryRegion> regions = new LinkedHashMap<>();

    DrmDevice(int minor, String driver, List<Region> declared, boolean reportsUse) {
        this.minor = minor;
        this.driver = driver;
        this.declared = List.copyOf(declared);
        this.reportsUse = reportsUse;
        declared.forEach(region -> regions.put(region.name(), new MemoryRegion(region.name(), region.capacityBytes(),
                reportsUse ? region.capacityBytes() / FIRMWARE_SHARE / EventBody.PAGE_SIZE * EventBody.PAGE_SIZE : 0)));
    }
}
