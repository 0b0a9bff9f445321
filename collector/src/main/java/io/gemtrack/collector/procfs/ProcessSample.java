package io.gemtrack.collector.procfs;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One process (thread group) as read in one sample. {@code startTime} is the start time in clock ticks since
 * boot from {@code /proc/PID/stat}: with the pid it tells a reused pid from the process that had it before.
 * {@code fds} holds only DRM and dma-buf fds, by fd number; {@code dmaBufMappings} the dma-bufs its mm maps, by
 * the buffer's inode. {@code cgroup}: its cgroup v2 path from {@code /proc/PID/cgroup}, {@code null} where the
 * host has no cgroup v2 hierarchy or the file did not say.
 */
public record ProcessSample(int pid, long startTime, int parentPid, String comm, int oomScoreAdj, MmSample memory,
                            SortedMap<Integer, OpenFd> fds, SortedMap<Long, DmaBufMapping> dmaBufMappings, String cgroup) {
    public ProcessSample {
        fds = Collections.unmodifiableSortedMap(new TreeMap<>(fds));
        dmaBufMappings = Collections.unmodifiableSortedMap(new TreeMap<>(dmaBufMappings));
    }

    /** A process whose cgroup is not known. */
    public ProcessSample(int pid, long startTime, int parentPid, String comm, int oomScoreAdj, MmSample memory,
                         SortedMap<Integer, OpenFd> fds, SortedMap<Long, DmaBufMapping> dmaBufMappings) {
        this(pid, startTime, parentPid, comm, oomScoreAdj, memory, fds, dmaBufMappings, null);
    }
}
