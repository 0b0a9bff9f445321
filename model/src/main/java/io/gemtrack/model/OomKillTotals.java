package io.gemtrack.model;

import io.gemtrack.policy.ExactSums;

/**
 * What a host's OOM kills added up to since the aggregators first saw it: kept beside the last post-mortems, which
 * are only the latest few, so that its counters never go back. Sums saturate at 2^63 − 1.
 *
 * @param kills          OOM kills applied
 * @param killsOfTheBest those whose victim freed as much as the best victim would have
 * @param freedBytes     Σ what the kills freed, and {@code bestFreedBytes} Σ what the best victims would have freed
 * @param leftAliveBytes Σ the resident bytes of the buffers the killed processes held that stayed alive in others
 */
public record OomKillTotals(long kills, long killsOfTheBest, long freedBytes, long bestFreedBytes, long leftAliveBytes) {

    public static final OomKillTotals NONE = new OomKillTotals(0, 0, 0, 0, 0);

    /** These totals with one more kill. */
    public OomKillTotals plus(OomPostMortem kill) {
        long best = kill.best() == null ? kill.freedBytes() : kill.best().freedBytes();
        return new OomKillTotals(kills + 1, killsOfTheBest + (kill.kernelChoiceBest() ? 1 : 0),
                ExactSums.saturatedAdd(freedBytes, kill.freedBytes()), ExactSums.saturatedAdd(bestFreedBytes, best),
                ExactSums.saturatedAdd(leftAliveBytes, kill.bytesLeftAlive()));
    }
}
