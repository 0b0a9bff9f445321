package io.gemtrack.collector.diff;

import io.gemtrack.collector.procfs.OpenFd.DeviceNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The minor a device has in the events. The kernel gives one GPU several nodes ({@code card0}, {@code renderD128}),
 * but the model keys memory by device, so a device (a driver and its {@code drm-pdev} or sysfs device) keeps the
 * minor of the node it was first seen through for the collector's life. Accel nodes are numbered apart from DRM's.
 */
final class DeviceMinors {

    /** Above every minor a kernel gives (MINORBITS is 20): where accel nodes go. */
    static final int ACCEL_MINOR_BASE = 1 << 20;
    /** Above the accel range: for a device whose first node's number another device already took. */
    private static final int SPARE_MINOR_BASE = 1 << 21;

    private record DeviceKey(String driver, String device) {
    }

    private final Map<DeviceKey, Integer> minors = new HashMap<>();
    private final Set<Integer> taken = new HashSet<>();
    private int nextSpare = SPARE_MINOR_BASE;

    int minor(String driver, String device, DeviceNode node) {
        return minors.computeIfAbsent(new DeviceKey(driver, device), key -> {
            int minor = node.accel() ? ACCEL_MINOR_BASE + node.minor() : node.minor();
            // A device gone and another first seen through its old node: the model still has the old one's regions.
            int chosen = taken.contains(minor) ? nextSpare++ : minor;
            taken.add(chosen);
            return chosen;
        });
    }
}
