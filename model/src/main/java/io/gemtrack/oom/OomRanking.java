package io.gemtrack.oom;

import io.gemtrack.policy.Policy;
import java.util.List;

/**
 * The OOM killer's view of a host under one policy.
 *
 * @param candidates every process that may be killed, most points first (ties: lowest pid)
 * @param victim     the first candidate, {@code null} when there is none
 * @param bestVictim the candidate whose kill frees the most (ties: lowest pid), {@code null} when there is none
 * @param mismatch   the victim's kill frees less than the best victim's
 */
public record OomRanking(Policy policy, long totalPages, List<OomCandidate> candidates, OomCandidate victim,
                         OomCandidate bestVictim, boolean mismatch) {
}
