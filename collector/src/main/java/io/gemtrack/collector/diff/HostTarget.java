package io.gemtrack.collector.diff;

import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.MmCounters;
import java.util.Map;
import java.util.SortedMap;

/**
 * The state one sample calls for, in event ids and whole pages: what the {@link HostView} has to become.
 * {@code processes} are in sample order, oldest first, so a parent comes before its children. {@code files} are
 * the clients' files with their private memory; {@code pools} the shared memory of each device minor whose
 * holders are unknown.
 */
record HostTarget(HostMemory memory, Map<Integer, TargetProcess> processes, Map<Long, TargetFile> files,
                  Map<Long, TargetDmaBuf> dmaBufs, SortedMap<Integer, SortedMap<String, PoolRegion>> pools) {

    /** {@code mappings}: how many areas of the process map each dma-buf, by its event inode. */
    record TargetProcess(int pid, int parentPid, String comm, int oomScoreAdj, MmCounters counters,
                         SortedMap<Integer, FdTarget> fds, SortedMap<Long, Integer> mappings) {
    }

    /** {@code holderPid}: the oldest process holding the file, which creates the file's GEM objects. */
    record TargetFile(int minor, int holderPid, SortedMap<String, PagedRegion> regions) {
    }

    record TargetDmaBuf(String exporter, long sizeBytes) {
    }

    /** A DRM client's memory in one region, standing in for its GEM objects there: one object of {@code sizeBytes}. */
    record PagedRegion(long sizeBytes, long residentBytes) {
    }

    /** A device's shared memory in one region whose holders are unknown (see {@link SharedPools}): one object, held by no process. */
    record PoolRegion(PagedRegion figures, int creatorPid) {
    }
}
