package io.gemtrack.collector.diff;

import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ResourceUsage;
import java.util.Map;
import java.util.SortedMap;

/**
 * The state one sample calls for, in event ids and whole pages: what the {@link HostView} has to become.
 * {@code processes} are in sample order, oldest first, so a parent comes before its children. {@code files} are
 * the clients' files with their private memory; {@code pools} the shared memory of each device minor whose
 * holders are unknown; {@code deviceUse} what each device minor counts as used per region, where it says;
 * {@code cgroups} the memory files of the cgroups sampled, by path.
 */
record HostTarget(HostMemory memory, Map<Integer, TargetProcess> processes, Map<Long, TargetFile> files,
                  Map<Long, TargetDmaBuf> dmaBufs, SortedMap<Integer, SortedMap<String, PoolRegion>> pools,
                  SortedMap<Integer, SortedMap<String, Long>> deviceUse, SortedMap<String, ResourceUsage> cgroups) {

    /**
     * {@code mappings}: how many areas of the process map each dma-buf, by its event inode; {@code cgroup}: where it
     * is ({@code /} where the host did not say).
     */
    record TargetProcess(int pid, int parentPid, String comm, int oomScoreAdj, MmCounters counters,
                         SortedMap<Integer, FdTarget> fds, SortedMap<Long, Integer> mappings, String cgroup) {
    }

    /** {@code holderPid}: the oldest process holding the file, which creates the file's GEM objects. */
    record TargetFile(int minor, int holderPid, SortedMap<String, PagedRegion> regions) {
    }

    record TargetDmaBuf(String exporter, long sizeBytes) {
    }

    /**
     * A DRM client's memory in one region, standing in for its GEM objects there: one object of {@code sizeBytes},
     * with what the driver says of its resident bytes ({@code status}).
     */
    record PagedRegion(long sizeBytes, long residentBytes, Status status) {

        PagedRegion(long sizeBytes, long residentBytes) {
            this(sizeBytes, residentBytes, Status.NONE);
        }
    }

    /** The object's bytes the driver reports as purgeable, active, or resident outside their preferred region; each ≤ resident. */
    record Status(long purgeableBytes, long activeBytes, long evictedBytes) {

        static final Status NONE = new Status(0, 0, 0);

        /** The figures, none above {@code residentBytes}. */
        Status within(long residentBytes) {
            return new Status(Math.min(purgeableBytes, residentBytes), Math.min(activeBytes, residentBytes),
                    Math.min(evictedBytes, residentBytes));
        }
    }

    /** A device's shared memory in one region whose holders are unknown (see {@link SharedPools}): one object, held by no process. */
    record PoolRegion(PagedRegion figures, int creatorPid) {
    }
}
