package io.gemtrack.producer.truth;

import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.ResourceUsage;
import java.util.List;

/**
 * The state of one emulated host as plain values: what {@link GroundTruth} applies the policies and the OOM
 * rules to.
 *
 * @param totalPages the OOM killer's {@code totalpages}: RAM plus swap in pages, 0 before the host reported its memory
 * @param processes  in ascending pid order
 * @param objects    in ascending object id order
 * @param regions    every declared region, by minor then declaration order
 * @param memory     the host's memory as last reported, {@code null} before it was
 * @param cgroups    the last sample of every cgroup's memory files the kernel reported, in path order
 */
public record HostFacts(long totalPages, List<ProcessFacts> processes, List<ObjectTruth> objects, List<RegionTruth> regions,
                        HostMemory memory, List<ResourceUsage> cgroups) {

    public HostFacts {
        cgroups = List.copyOf(cgroups);
        processes = List.copyOf(processes);
        objects = List.copyOf(objects);
        regions = List.copyOf(regions);
    }
}
