package io.gemtrack.oom;

import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.policy.ExactSums;
import io.gemtrack.policy.Policy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The OOM killer of SEMANTICS.md §6 run against a host model, on demand: a ranking is one pass over the
 * host's processes (what-if-killed one over the objects the process holds), cheap next to keeping it current on every event.
 */
public final class OomAdvisor {

    /** The kernel never kills a process with this {@code oom_score_adj}. */
    private static final int OOM_SCORE_ADJ_MIN = -1000;

    private static final Comparator<OomCandidate> BY_POINTS =
            Comparator.comparingLong(OomCandidate::points).reversed().thenComparingInt(OomCandidate::pid);
    private static final Comparator<OomCandidate> BY_FREED =
            Comparator.comparingLong(OomCandidate::freedBytes).reversed().thenComparingInt(OomCandidate::pid);

    private OomAdvisor() {
    }

    public static OomRanking rank(HostModel host, Policy policy) {
        return rank(host.processes(), host.totalPages(), policy);
    }

    /**
     * The ranking among {@code processes} alone, against {@code totalPages}: the memcg OOM killer's, which picks its
     * victim inside the cgroup whose limit was reached and scales {@code oom_score_adj} by that limit.
     */
    public static OomRanking rank(Collection<Process> processes, long totalPages, Policy policy) {
        List<OomCandidate> candidates = new ArrayList<>();
        for (Process process : processes) {
            if (process.oomScoreAdj() != OOM_SCORE_ADJ_MIN) {
                candidates.add(candidate(process, policy, totalPages));
            }
        }
        OomCandidate best = candidates.stream().min(BY_FREED).orElse(null);
        candidates.sort(BY_POINTS);
        OomCandidate victim = candidates.isEmpty() ? null : candidates.get(0);
        boolean mismatch = victim != null && victim.freedBytes() < best.freedBytes();
        return new OomRanking(policy, totalPages, List.copyOf(candidates), victim, best, mismatch);
    }

    private static OomCandidate candidate(Process process, Policy policy, long totalPages) {
        MmCounters counters = process.counters();
        // A process's own figures are each within the schema's byte bound, so their sums are far below 2^63; a
        // charge may be as large as a long reads, and the figures that include one saturate.
        long rss = counters.fileBytes() + counters.anonBytes() + counters.shmemBytes();
        long charged = process.charged(policy);
        long badnessPages = ExactSums.saturatedAdd(rss + counters.swapBytes() + counters.pageTableBytes(), charged) / EventBody.PAGE_SIZE;
        long points = badnessPages + process.oomScoreAdj() * (totalPages / 1000);
        return new OomCandidate(process.pid(), process.comm(), process.oomScoreAdj(), charged, badnessPages, points,
                freedByKill(process));
    }

    /** What returns to the system: file pages stay cached and shared buffers stay alive in their other holders. */
    public static long freedByKill(Process process) {
        MmCounters counters = process.counters();
        return ExactSums.saturatedAdd(counters.anonBytes() + counters.swapBytes() + counters.pageTableBytes(),
                process.charged(Policy.freeable));
    }

    public static WhatIfKilled whatIfKilled(HostModel host, Process process) {
        List<WhatIfKilled.FreedObject> freed = new ArrayList<>();
        List<WhatIfKilled.StillHeld> stillHeld = new ArrayList<>();
        host.heldBy(process).forEach(object -> {
            List<Integer> others = object.holders().stream()
                    .filter(holder -> holder != process)
                    .map(Process::pid)
                    .toList();
            if (others.isEmpty()) {
                freed.add(new WhatIfKilled.FreedObject(object.id(), object.residentBytes()));
            } else {
                stillHeld.add(new WhatIfKilled.StillHeld(object.id(), object.residentBytes(), others));
            }
        });
        return new WhatIfKilled(process.pid(), process.comm(), freedByKill(process), freed, stillHeld);
    }
}
