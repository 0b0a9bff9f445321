package io.gemtrack.collector.procfs;

import java.util.Collections;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/** An fd the collector cares about: a DRM client or a dma-buf. Every other kind of fd is left out of a sample. */
public sealed interface OpenFd {

    /**
     * A region's figures in bytes as the fdinfo states them, not yet rounded to pages: {@code drm-total} (the
     * client's buffers, private and shared), {@code drm-shared} (those with more than one handle, or exported),
     * {@code drm-resident}, and of the resident bytes {@code drm-purgeable} (marked discardable and idle) and
     * {@code drm-active} (busy on an engine), 0 where the driver prints them not.
     */
    record RegionUsage(long totalBytes, long sharedBytes, long residentBytes, long purgeableBytes, long activeBytes) {

        /** A region whose driver prints nothing besides size, sharing and residency. */
        public RegionUsage(long totalBytes, long sharedBytes, long residentBytes) {
            this(totalBytes, sharedBytes, residentBytes, 0, 0);
        }
    }

    /**
     * The character device an fd refers to, from stat(2) of the fd: a DRM node ({@code card0}: 0, {@code renderD128}:
     * 128) or, when {@code accel}, a node of the accel subsystem ({@code /dev/accel/accel0}: 0), whose minors are
     * numbered apart from DRM's.
     */
    record DeviceNode(int major, int minor, boolean accel) {
    }

    /**
     * An open DRM file ({@code struct drm_file}), from the usage-stats keys of its fdinfo
     * (Documentation/gpu/drm-usage-stats.rst), on the device {@code node} the fd refers to. {@code device} names the
     * device: its {@code drm-pdev} (the PCI slot), else the sysfs name of the node's device (a platform device such as
     * {@code ae00000.display-subsystem}), else the node itself ({@code 226:128}). {@code clientId}, when the driver
     * prints one, is unique per boot either globally or per device. {@code regions} is empty on kernels and drivers
     * that print no memory keys. {@code evicted}: per region, the bytes of buffers that prefer it but are elsewhere
     * now (amdgpu's {@code amd-evicted-vram}); empty for other drivers.
     */
    record DrmClient(String driver, String device, OptionalLong clientId, DeviceNode node, SortedMap<String, RegionUsage> regions,
                     SortedMap<String, Long> evicted) implements OpenFd {
        public DrmClient {
            regions = Collections.unmodifiableSortedMap(new TreeMap<>(regions));
            evicted = Collections.unmodifiableSortedMap(new TreeMap<>(evicted));
        }

        public DrmClient(String driver, String device, OptionalLong clientId, DeviceNode node, SortedMap<String, RegionUsage> regions) {
            this(driver, device, clientId, node, regions, new TreeMap<>());
        }
    }

    /**
     * A dma-buf, from the fdinfo of an fd to it. The kernel's {@code ino} names the buffer; {@code exporter} is
     * {@code exp_name}, the driver or heap that allocated it; {@code references} is {@code count}, the references to
     * the buffer's file: every fd and mapping of it in any process, and the kernel's own (a GEM object it was
     * exported from or imported into).
     */
    record DmaBuf(long inode, String exporter, long sizeBytes, long references) implements OpenFd {
    }
}
