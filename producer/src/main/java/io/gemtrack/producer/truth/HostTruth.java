package io.gemtrack.producer.truth;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ground truth of one emulated host after the event with sequence number {@code seq}: every figure the
 * aggregator reports for it, worked out from the kernel's own state. Maps keyed by policy name hold every policy.
 *
 * @param processes    in ascending pid order
 * @param objects      every live object, in ascending id order, with its resident bytes and holders
 * @param unaccounted  Σ over objects of the resident bytes a policy charges to no one
 * @param overcharged  Σ over objects of the bytes a policy charges beyond what is resident
 * @param orphanedBytes resident bytes of objects whose creator's mm is dead
 * @param victims      the pid each policy's OOM killer would pick, 0 when no process is a candidate
 * @param bestVictim   the candidate whose kill frees the most, 0 when there is none
 * @param mismatches   whether a policy's victim frees less than the best victim
 * @param status       per {@link StatusFigures} name, Σ of that figure over live objects
 * @param deviceUsedBytes          Σ over regions whose device reports its use of what it last reported
 * @param unattributedDeviceBytes  Σ over those regions of the device's use beyond its objects' resident bytes
 * @param gpuActiveBytes           the system memory the host's GPU drivers hold in use, as it last reported it, and
 *                                 {@code gpuReclaimBytes} in their reclaimable pools
 * @param cgroups      every cgroup a process is in or the kernel sampled, with every cgroup above them, by path
 */
public record HostTruth(String host, String bootId, long seq, long totalPages, List<ProcessTruth> processes,
                        List<ObjectTruth> objects, List<RegionTruth> regions, Map<String, Long> unaccounted,
                        Map<String, Long> overcharged, long orphanedBytes, long gemBytes, long residentBytes,
                        Map<String, Integer> victims, int bestVictim, Map<String, Boolean> mismatches, Map<String, Long> status,
                        long deviceUsedBytes, long unattributedDeviceBytes, long gpuActiveBytes, long gpuReclaimBytes,
                        Map<String, CgroupTruth> cgroups) {

    public HostTruth {
        status = StatusFigures.copy(status);
        processes = List.copyOf(processes);
        objects = List.copyOf(objects);
        regions = List.copyOf(regions);
        unaccounted = PolicyMaps.copy(unaccounted);
        overcharged = PolicyMaps.copy(overcharged);
        victims = PolicyMaps.copy(victims);
        mismatches = PolicyMaps.copy(mismatches);
        cgroups = Collections.unmodifiableMap(new TreeMap<>(cgroups));
    }
}
