package io.gemtrack.producer.kernel;

import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.ResourceUsage;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one emulated host's kernel holds: changed only by {@link Kernel}'s calls, read by the snapshot and
 * facts ({@link HostReports}) and by the {@link InvariantCheck}. Ordered maps, so that every walk is deterministic.
 */
final class KernelState {

    /** {@code null} until the host reports its memory. */
    HostMemory memory;
    final Map<Integer, DrmDevice> devices = new TreeMap<>();
    /** Every task, leaders and threads, to its thread group. */
    final Map<Integer, TaskGroup> tasks = new HashMap<>();
    /** Thread groups by leader pid. */
    final Map<Integer, TaskGroup> processes = new TreeMap<>();
    final Map<Long, DrmFile> files = new TreeMap<>();
    final Map<Long, GemObject> objects = new TreeMap<>();
    final Map<Long, DmaBuf> dmaBufs = new TreeMap<>();
    /** {@code memory.max} of the cgroups that have one, by path. */
    final Map<String, Long> memoryMax = new TreeMap<>();
    /** What the kernel last reported of each cgroup's memory files, by path: the sample a reader has. */
    final Map<String, ResourceUsage> reportedUsage = new TreeMap<>();
}
