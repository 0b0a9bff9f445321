package io.gemtrack.producer.truth;

import io.gemtrack.events.EventBody.ResourceUsage;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of one cgroup (SEMANTICS.md §11): its figures include those of every cgroup beneath it. Maps keyed
 * by policy name hold every policy; {@code victims}, {@code mismatches} only where the cgroup has a {@code memory.max}.
 *
 * @param pids             the processes in it or beneath it, ascending
 * @param charged          per policy, the bytes charged to the cgroup
 * @param unaccounted      per policy, over the objects its processes create or hold, what the policy charges no one
 * @param orphanedBytes    resident bytes of objects its processes hold whose creator's mm is dead
 * @param freedByKill      what killing all its processes frees: their anon, swap and page-table bytes and the
 *                         resident bytes of the objects held only inside it
 * @param usage            the kernel's last report of the cgroup's memory files, {@code null} where it sent none
 * @param victims          the pid the memcg OOM killer picks inside the cgroup under each policy, 0 for none
 * @param bestVictim       inside the cgroup, the candidate whose kill frees the most, 0 for none (or no limit)
 * @param mismatches       whether a policy's victim frees less than the best victim inside the cgroup
 */
public record CgroupTruth(String path, List<Integer> pids, Map<String, Long> charged, Map<String, Long> unaccounted,
                          long orphanedBytes, long freedByKill, ResourceUsage usage,
                          Map<String, Integer> victims, int bestVictim, Map<String, Boolean> mismatches) {

    public CgroupTruth {
        pids = List.copyOf(pids);
        charged = PolicyMaps.copy(charged);
        unaccounted = PolicyMaps.copy(unaccounted);
        victims = Map.copyOf(victims);
        mismatches = Map.copyOf(mismatches);
    }
}
