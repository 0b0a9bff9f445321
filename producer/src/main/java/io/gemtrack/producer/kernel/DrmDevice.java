package io.gemtrack.producer.kernel;

import io.gemtrack.events.EventBody.Region;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A DRM device (card minor) and its memory regions, each with a capacity that resident bytes may not exceed. */
final class DrmDevice {

    /** A region's capacity and the bytes resident in it now. */
    static final class MemoryRegion {
        final String name;
        final long capacityBytes;
        long residentBytes;

        MemoryRegion(String name, long capacityBytes) {
            this.name = name;
            this.capacityBytes = capacityBytes;
        }

        boolean fits(long bytes) {
            return residentBytes + bytes <= capacityBytes;
        }

        /** CMA memory is allocated up front: an object there is resident in full from creation to free. */
        boolean contiguous() {
            return name.equals("cma");
        }
    }

    final int minor;
    final String driver;
    final List<Region> declared;
    final Map<String, MemoryRegion> regions = new LinkedHashMap<>();

    DrmDevice(int minor, String driver, List<Region> declared) {
        this.minor = minor;
        this.driver = driver;
        this.declared = List.copyOf(declared);
        declared.forEach(region -> regions.put(region.name(), new MemoryRegion(region.name(), region.capacityBytes())));
    }
}
