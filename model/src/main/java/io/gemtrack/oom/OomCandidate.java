package io.gemtrack.oom;

/**
 * One process as the OOM killer would see it under one policy (SEMANTICS.md §6).
 *
 * @param chargedBytes the GEM bytes the policy charges the process
 * @param badnessPages {@code (rss + charged + swap + page tables) / PAGE_SIZE}
 * @param points       badness pages plus the {@code oom_score_adj} share of {@code totalpages}
 * @param freedBytes   what killing the process would really return to the system
 */
public record OomCandidate(int pid, String comm, int oomScoreAdj, long chargedBytes, long badnessPages, long points,
                           long freedBytes) {
}
