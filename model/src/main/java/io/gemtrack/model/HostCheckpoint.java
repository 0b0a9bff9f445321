package io.gemtrack.model;

import io.gemtrack.events.EventBody.HostSnapshot;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link HostModel} holds, as plain values an aggregator can store and another can restore: the
 * state in the snapshot schema hosts send, plus what only the model knows (sequence bookkeeping, counters that
 * outlive a boot, the cross-check verdict of each process's latest sample).
 *
 * @param memoryKnown         whether the host ever reported its memory; if not, {@code state}'s memory is a
 *                            placeholder, since the snapshot schema requires one
 * @param counterMismatchPids processes whose latest counters sample disagreed with the rfc charge when it came
 * @param oomKills            the post-mortems of the host's last OOM kills, oldest first
 * @param oomKillTotals       what all its OOM kills added up to
 */
public record HostCheckpoint(String host, String bootId, long nextSeq, boolean synchronised, long sequenceGaps,
                             long skippedEvents, long counterMismatches, boolean memoryKnown,
                             List<Integer> counterMismatchPids, HostSnapshot state, List<OomPostMortem> oomKills,
                             OomKillTotals oomKillTotals) {

    public HostCheckpoint {
        counterMismatchPids = List.copyOf(counterMismatchPids);
        oomKills = List.copyOf(oomKills);
        Objects.requireNonNull(oomKillTotals, "oomKillTotals");
    }
}
