package io.gemtrack.producer.truth;

import io.gemtrack.events.EventBody.MmCounters;

/**
 * What the kernel knows of one process, before any policy is applied.
 *
 * @param counters    its mm counters as last reported (zeros before the first sample of its current mm)
 * @param driverPages the RFC's {@code MM_DRIVERPAGES} of its mm now, as the kernel holds it (fork flaw included)
 * @param cgroup      the cgroup v2 path it is in
 */
public record ProcessFacts(int pid, String comm, int oomScoreAdj, MmCounters counters, long driverPages, String cgroup) {
}
