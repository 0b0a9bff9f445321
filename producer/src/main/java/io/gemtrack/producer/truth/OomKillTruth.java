package io.gemtrack.producer.truth;

/**
 * The ground truth of one OOM kill of an emulated host: the kill event's place in the host's stream, the kill as
 * the kernel reported and measured it, and the host's whole truth at that instant (every policy's victim and what
 * its kill would free, the best victim by freed memory).
 *
 * @param seq the {@code seq} of the {@code OomKill} event
 */
public record OomKillTruth(String host, String bootId, long seq, OomKillFacts kill, HostTruth atKill) {
}
