package io.gemtrack.collector.procfs;

import java.util.List;

/**
 * What a sample read of the cgroup hierarchy: whether the host has cgroup v2 (the unified hierarchy at
 * {@code /sys/fs/cgroup}, with {@code cgroup.controllers}), and the memory files of every cgroup a process is in or
 * above one, but the root, which has none. A cgroup v1 host has neither processes' cgroups nor samples.
 */
public record Cgroups(boolean v2, List<CgroupUsage> usage) {

    public static final Cgroups NONE = new Cgroups(false, List.of());

    public Cgroups {
        usage = List.copyOf(usage);
    }
}
