package io.gemtrack.collector.procfs;

import java.util.List;

/**
 * One reading of a host: its memory size from {@code /proc/meminfo} with what it says GPU drivers hold
 * ({@code GPUActive}, {@code GPUReclaim}; 0 on kernels without them), its processes, oldest first, and what the
 * devices their DRM clients are on count as used of their memory ({@code deviceUse}), and its cgroups' memory files.
 */
public record HostSample(long memTotalBytes, long swapTotalBytes, long gpuActiveBytes, long gpuReclaimBytes,
                         List<ProcessSample> processes, List<DeviceUse> deviceUse, Cgroups cgroups, ReadSkips skips) {
    public HostSample {
        processes = List.copyOf(processes);
        deviceUse = List.copyOf(deviceUse);
    }

    /** A host without cgroups read. */
    public HostSample(long memTotalBytes, long swapTotalBytes, long gpuActiveBytes, long gpuReclaimBytes,
                      List<ProcessSample> processes, List<DeviceUse> deviceUse, ReadSkips skips) {
        this(memTotalBytes, swapTotalBytes, gpuActiveBytes, gpuReclaimBytes, processes, deviceUse, Cgroups.NONE, skips);
    }

    /** A host whose kernel and devices report no GPU memory of their own. */
    public HostSample(long memTotalBytes, long swapTotalBytes, List<ProcessSample> processes, ReadSkips skips) {
        this(memTotalBytes, swapTotalBytes, 0, 0, processes, List.of(), skips);
    }
}
