package io.gemtrack.model;

import io.gemtrack.policy.Policy;
import java.util.List;

/**
 * What one OOM kill of a host did and what it should have done, as the model saw it at the instant the
 * {@code OomKill} was applied (SEMANTICS.md §6a): the killed process, the kernel's points, what the kill frees and
 * which buffers stay alive in whom, and for every policy the victim it would have picked and what that would have
 * freed. Plain values, kept in the host's checkpoint.
 *
 * @param seq                the {@code seq} of the {@code OomKill} event, and {@code ts} its timestamp (ns)
 * @param epochMillis        when the event was recorded (the Kafka record's timestamp), -1 where unknown
 * @param cgroup             the cgroup v2 path the killed process was in ({@code /} on a host that reports none);
 *                           {@code null} in a post-mortem kept by an aggregator that did not record it
 * @param kernelPoints       the badness points the kernel reported, and {@code kernelFreedPages} the pages it said the
 *                           kill freed
 * @param freedBytes         what the kill frees by the model: anon + swap + page tables + the buffers only it held
 * @param freedObjects       the buffers only the killed process held, which die with it
 * @param stillHeld          the other buffers it held, which stay alive in the processes listed
 * @param bytesLeftAlive     Σ of {@code stillHeld}'s resident bytes
 * @param policies           every policy's victim at that instant, in {@link Policy#all()} order
 * @param best               the candidate whose kill frees the most ({@code null} if there was none)
 * @param kernelChoiceBest   whether the kernel's kill frees as much as the best one's
 */
public record OomPostMortem(String host, String bootId, long seq, long ts, long epochMillis, int pid, String comm,
                            String cgroup, long kernelPoints, long kernelFreedPages, long freedBytes, List<Buffer> freedObjects,
                            List<HeldBuffer> stillHeld, long bytesLeftAlive, List<PolicyChoice> policies, Choice best,
                            boolean kernelChoiceBest) {

    public OomPostMortem {
        freedObjects = List.copyOf(freedObjects);
        stillHeld = List.copyOf(stillHeld);
        policies = List.copyOf(policies);
    }

    /** A buffer the kill frees. */
    public record Buffer(long object, long residentBytes) {
    }

    /** A buffer the kill leaves alive, and the processes (pids, ascending) that keep it. */
    public record HeldBuffer(long object, long residentBytes, List<Integer> holders) {
        public HeldBuffer {
            holders = List.copyOf(holders);
        }
    }

    /**
     * A process one could have killed: its cgroup ({@code null} where not recorded, as for the kill's own), its points
     * under the policy that chose it, and what its kill frees.
     */
    public record Choice(int pid, String comm, String cgroup, long points, long freedBytes) {
    }

    /** A policy's victim, {@code null} when the policy had no candidate. */
    public record PolicyChoice(Policy policy, Choice victim) {
    }
}
