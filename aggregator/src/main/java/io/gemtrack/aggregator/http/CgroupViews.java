package io.gemtrack.aggregator.http;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.model.CgroupPath;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.model.cgroup.CgroupAccounting;
import io.gemtrack.model.cgroup.CgroupFigures;
import io.gemtrack.model.cgroup.CgroupNames;
import io.gemtrack.model.cgroup.CgroupTree;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.oom.WhatIfKilled;
import io.gemtrack.policy.Policy;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The API's answers about a host's cgroups (SEMANTICS.md §11), built under the fleet's lock like {@link ApiViews}. */
final class CgroupViews {

    private CgroupViews() {
    }

    /**
     * The kernel's last sample of a cgroup's memory files.
     *
     * @param memoryMaxBytes   {@code null} where memory.max is {@code max}
     * @param dmemCurrentBytes Σ of dmem.current over the device regions
     */
    record UsageView(long memoryCurrentBytes, Long memoryMaxBytes, long dmemCurrentBytes, List<DmemView> dmem) {

        static UsageView of(ResourceUsage usage) {
            if (usage == null) {
                return null;
            }
            long dmemCurrent = usage.dmem().stream().mapToLong(DmemRegion::currentBytes).sum();
            return new UsageView(usage.memoryCurrentBytes(), limit(usage.memoryMaxBytes()), dmemCurrent,
                    usage.dmem().stream().map(DmemView::of).toList());
        }
    }

    /** @param maxBytes {@code null} where dmem.max is {@code max} */
    record DmemView(int minor, String region, long currentBytes, Long maxBytes) {

        static DmemView of(DmemRegion region) {
            return new DmemView(region.minor(), region.region(), region.currentBytes(), limit(region.maxBytes()));
        }
    }

    /** The memcg OOM killer's choice inside the cgroup under one policy. */
    record MemcgChoice(OomCandidate victim, boolean mismatch) {
    }

    /**
     * A cgroup in the tree.
     *
     * @param parent      {@code null} for the root
     * @param processes   how many processes are in it or beneath it
     * @param memcgOom    per policy, where it has a memory.max, the victim inside it; {@code null} without a limit
     * @param bestVictim  inside it, the process whose kill frees the most, {@code null} without a limit
     */
    record CgroupView(String path, String parent, String name, int depth, CgroupNames names, int processes,
                      Map<Policy, Long> charged, Map<Policy, Long> unaccounted, long orphanedBytes, long freeableBytes,
                      long freedByKillBytes, UsageView usage, Map<Policy, MemcgChoice> memcgOom, OomCandidate bestVictim) {

        static CgroupView of(CgroupFigures figures) {
            String path = figures.path();
            Map<Policy, MemcgChoice> oom = null;
            OomCandidate best = null;
            if (!figures.oom().isEmpty()) {
                oom = new EnumMap<>(Policy.class);
                for (Map.Entry<Policy, OomRanking> ranking : figures.oom().entrySet()) {
                    oom.put(ranking.getKey(), new MemcgChoice(ranking.getValue().victim(), ranking.getValue().mismatch()));
                    best = ranking.getValue().bestVictim();
                }
            }
            int depth = path.equals(EventBody.ROOT_CGROUP) ? 0 : path.split("/").length - 1;
            return new CgroupView(path, CgroupPath.parent(path), path.substring(path.lastIndexOf('/') + 1), depth,
                    figures.names(), figures.pids().size(), new EnumMap<>(figures.charged()), new EnumMap<>(figures.unaccounted()),
                    figures.orphanedBytes(), figures.freeableGpuBytes(), figures.freedByKillBytes(), UsageView.of(figures.usage()),
                    oom, best);
        }
    }

    record CgroupTreeView(String host, List<CgroupView> cgroups) {
    }

    /** One cgroup with its processes (in it or beneath it), the buffers they create or hold, and what killing it all does. */
    record CgroupDetail(String host, CgroupView cgroup, List<CgroupView> children, List<ApiViews.ProcessRow> processes,
                        List<ApiViews.BufferView> buffers, WhatIfKilled whatIfKilled) {
    }

    static CgroupTreeView tree(HostModel host) {
        return new CgroupTreeView(host.host(), CgroupAccounting.of(host).cgroups().stream().map(CgroupView::of).toList());
    }

    static CgroupDetail cgroup(HostModel host, String path) throws ApiException {
        CgroupTree tree = CgroupAccounting.of(host);
        CgroupFigures figures = tree.cgroup(path).orElseThrow(() ->
                new ApiException(404, "unknown cgroup " + path + " on host " + host.host()));
        List<ApiViews.ProcessRow> processes = host.processes().stream().filter(process -> figures.pids().contains(process.pid()))
                .sorted(ApiViews.mostChargedFirst(Policy.holder)).map(process -> ApiViews.processRow(process, Policy.holder)).toList();
        List<ApiViews.BufferView> buffers = host.objects().stream()
                .filter(object -> inside(object.creator(), path) || object.holders().stream().anyMatch(holder -> inside(holder, path)))
                .sorted(Comparator.comparingLong(GemObject::id))
                .map(ApiViews::buffer)
                .toList();
        return new CgroupDetail(host.host(), CgroupView.of(figures), tree.children(path).stream().map(CgroupView::of).toList(),
                processes, buffers, CgroupAccounting.whatIfKilled(host, figures));
    }

    private static boolean inside(Process process, String path) {
        return process != null && CgroupPath.within(process.cgroup(), path);
    }

    private static Long limit(long bytes) {
        return bytes == EventBody.NO_LIMIT ? null : bytes;
    }
}
