package io.gemtrack.collector.procfs;

import java.util.List;

/** One reading of a host: its memory size from {@code /proc/meminfo} and its processes, oldest first. */
public record HostSample(long memTotalBytes, long swapTotalBytes, List<ProcessSample> processes, ReadSkips skips) {
    public HostSample {
        processes = List.copyOf(processes);
    }
}
