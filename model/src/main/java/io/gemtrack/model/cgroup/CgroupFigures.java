package io.gemtrack.model.cgroup;

import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.Policy;
import java.util.List;
import java.util.Map;

/**
 * What one cgroup holds and is charged (SEMANTICS.md §11), hierarchical: its processes and figures include those of
 * every cgroup beneath it.
 *
 * @param names          the systemd unit, container and pod its path names
 * @param pids           the processes in it or beneath it, ascending
 * @param charged        per policy, the GPU bytes the policy charges the cgroup: the sum over its processes, except that
 *                       {@code holder} counts a buffer once however many of them hold it, and {@code freeable} charges
 *                       the buffers that all their holders inside it keep alive
 * @param unaccounted    per policy, over the buffers its processes create or hold, the resident bytes the policy
 *                       charges to no process at all
 * @param orphanedBytes  resident bytes of buffers its processes hold whose creator's mm is dead
 * @param freedByKillBytes what killing every process of it would free: their anon, swap and page-table bytes, and
 *                       {@code charged(freeable)}
 * @param usage          the kernel's last sample of its memory files; {@code null} where none came
 * @param oom            per policy, where the cgroup has a {@code memory.max}, the memcg OOM killer's ranking of the
 *                       processes inside it; empty without a limit
 */
public record CgroupFigures(String path, CgroupNames names, List<Integer> pids, Map<Policy, Long> charged,
                            Map<Policy, Long> unaccounted, long orphanedBytes, long freedByKillBytes, ResourceUsage usage,
                            Map<Policy, OomRanking> oom) {

    public CgroupFigures {
        pids = List.copyOf(pids);
        charged = Map.copyOf(charged);
        unaccounted = Map.copyOf(unaccounted);
        oom = Map.copyOf(oom);
    }

    /** The GPU bytes killing every process of the cgroup would free: the buffers no process outside it holds. */
    public long freeableGpuBytes() {
        return charged.get(Policy.freeable);
    }
}
