package io.gemtrack.producer.truth;

import java.util.List;

/**
 * One kill of the emulated kernel's OOM killer, as the kernel knew it and as it turned out.
 *
 * @param cgroup        the cgroup v2 path the victim was in when it was killed
 * @param badnessPoints the victim's points, and {@code freedPages} the pages its kill frees, as the kill reported them
 * @param before        the host just before the kill, for the policies' verdicts at that instant
 * @param freedBytes    what the kill really returned, measured in the kernel across the exit: the victim's anonymous,
 *                      swapped and page-table bytes and the resident bytes of every buffer the exit released
 * @param survivors     the buffers the victim held that stayed alive after its exit, with who holds them, by object id
 */
public record OomKillFacts(int pid, String comm, String cgroup, long badnessPoints, long freedPages, HostFacts before, long freedBytes,
                           List<ObjectTruth> survivors) {

    public OomKillFacts {
        survivors = List.copyOf(survivors);
    }
}
