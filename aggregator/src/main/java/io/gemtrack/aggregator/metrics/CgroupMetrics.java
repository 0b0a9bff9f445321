package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.gauge;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.model.cgroup.CgroupAccounting;
import io.gemtrack.model.cgroup.CgroupFigures;
import io.gemtrack.model.cgroup.CgroupNames;
import io.gemtrack.model.cgroup.CgroupTree;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.ExactSums;
import io.gemtrack.policy.Policy;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Per-cgroup figures (SEMANTICS.md §11), bounded like the per-process ones: the cgroups processes are in (in cgroup v2
 * only leaves hold processes, so these never overlap) get series for the top of each host and policy, the rest are
 * summed into one {@code cgroup="other"} series; the cgroups with a {@code memory.max} get their limit, use and GPU
 * charges for the top of each host by use. Labels name the unit, container and pod the path names ({@code ""} where
 * it names none).
 */
final class CgroupMetrics {

    static final String OTHER = "other";
    /** What names a cgroup in its series: its host, its path and what the path says. */
    private static final String[] NAMED = {"host", "cgroup", "unit", "runtime", "container_id", "pod_uid"};
    private static final String[] NAMED_AND_POLICY = {"host", "cgroup", "unit", "runtime", "container_id", "pod_uid", "policy"};

    static final ModelMetric CHARGED_BYTES = gauge("gemtrack_cgroup_charged_bytes",
            "GPU bytes the policy charges to the processes of a cgroup, a buffer several of them hold counted once under "
                    + "holder; top cgroups holding processes per host and policy, the rest as cgroup=\"other\".",
            Unit.BYTES, NAMED_AND_POLICY);
    static final ModelMetric FREED_BY_KILL_BYTES = gauge("gemtrack_cgroup_freed_by_kill_bytes",
            "Bytes killing every process of a cgroup would free (anon, swap, page tables, GPU buffers no process outside "
                    + "holds); top cgroups holding processes per host, the rest as cgroup=\"other\".",
            Unit.BYTES, NAMED);
    static final ModelMetric MEMORY_MAX_BYTES = gauge("gemtrack_memcg_max_bytes",
            "memory.max of a cgroup that has one, as last sampled; top limited cgroups per host by memory.current.",
            Unit.BYTES, NAMED);
    static final ModelMetric MEMORY_CURRENT_BYTES = gauge("gemtrack_memcg_current_bytes",
            "memory.current of a cgroup with a memory.max, as last sampled (memcg does not count GPU memory); top "
                    + "limited cgroups per host.",
            Unit.BYTES, NAMED);
    static final ModelMetric GPU_CHARGED_BYTES = gauge("gemtrack_memcg_gpu_charged_bytes",
            "GPU bytes the policy charges to a cgroup with a memory.max, itself and beneath it; top limited cgroups per host.",
            Unit.BYTES, NAMED_AND_POLICY);
    static final ModelMetric DMEM_CURRENT_BYTES = gauge("gemtrack_memcg_dmem_current_bytes",
            "dmem.current of a cgroup with a memory.max, summed over its device regions, as last sampled: the device "
                    + "memory the kernel charges to tasks that allocated it there; top limited cgroups per host.",
            Unit.BYTES, NAMED);
    static final ModelMetric OOM_MISMATCH = gauge("gemtrack_memcg_oom_victim_mismatch",
            "1 when the memcg OOM killer's victim inside a cgroup with a memory.max frees less under the policy than the "
                    + "best victim inside it, else 0; top limited cgroups per host.",
            null, NAMED_AND_POLICY);

    static final List<ModelMetric> ALL = List.of(CHARGED_BYTES, FREED_BY_KILL_BYTES, MEMORY_MAX_BYTES, MEMORY_CURRENT_BYTES,
            GPU_CHARGED_BYTES, DMEM_CURRENT_BYTES, OOM_MISMATCH);

    private final int limit;

    /** @param limit how many cgroups per host (and policy) get series of their own */
    CgroupMetrics(int limit) {
        this.limit = limit;
    }

    void report(HostModel host, ScrapeSamples samples) {
        Set<String> occupied = new HashSet<>();
        for (Process process : host.processes()) {
            occupied.add(process.cgroup());
        }
        // A host that reports no cgroups (every process in the root, nothing sampled) has only the other series, of 0:
        // its tree, a pass over all its objects, would say nothing more.
        boolean rootOnly = host.resourceUsage().isEmpty() && occupied.stream().allMatch(EventBody.ROOT_CGROUP::equals);
        CgroupTree tree = rootOnly ? CgroupTree.EMPTY : CgroupAccounting.of(host);
        List<CgroupFigures> leaves = tree.cgroups().stream()
                .filter(cgroup -> occupied.contains(cgroup.path()) && !cgroup.path().equals(EventBody.ROOT_CGROUP)).toList();
        for (Policy policy : Policy.all()) {
            top(leaves, cgroup -> cgroup.charged().get(policy), (cgroup, bytes) -> add(samples, CHARGED_BYTES, host, cgroup, bytes,
                    policy.name()));
        }
        top(leaves, CgroupFigures::freedByKillBytes, (cgroup, bytes) -> add(samples, FREED_BY_KILL_BYTES, host, cgroup, bytes));
        List<CgroupFigures> limited = tree.cgroups().stream()
                .filter(cgroup -> cgroup.usage() != null && cgroup.usage().memoryMaxBytes() != EventBody.NO_LIMIT)
                .sorted(Comparator.comparingLong((CgroupFigures cgroup) -> cgroup.usage().memoryCurrentBytes()).reversed()
                        .thenComparing(CgroupFigures::path))
                .limit(limit)
                .toList();
        for (CgroupFigures cgroup : limited) {
            ResourceUsage usage = cgroup.usage();
            add(samples, MEMORY_MAX_BYTES, host, cgroup, usage.memoryMaxBytes());
            add(samples, MEMORY_CURRENT_BYTES, host, cgroup, usage.memoryCurrentBytes());
            add(samples, DMEM_CURRENT_BYTES, host, cgroup, usage.dmem().stream().mapToLong(DmemRegion::currentBytes).sum());
            for (Policy policy : Policy.all()) {
                add(samples, GPU_CHARGED_BYTES, host, cgroup, cgroup.charged().get(policy), policy.name());
                OomRanking ranking = cgroup.oom().get(policy);
                add(samples, OOM_MISMATCH, host, cgroup, ranking.mismatch() ? 1 : 0, policy.name());
            }
        }
    }

    /** Series for the {@code limit} cgroups with the largest non-zero figure (ties: path order), and the rest as other. */
    private void top(List<CgroupFigures> cgroups, ToLongFunction<CgroupFigures> figure, Series series) {
        List<CgroupFigures> top = cgroups.stream().filter(cgroup -> figure.applyAsLong(cgroup) > 0)
                .sorted(Comparator.comparingLong(figure).reversed().thenComparing(CgroupFigures::path))
                .limit(limit)
                .toList();
        ExactSums other = new ExactSums(1);
        for (CgroupFigures cgroup : cgroups) {
            other.add(0, figure.applyAsLong(cgroup));
        }
        for (CgroupFigures cgroup : top) {
            series.add(cgroup, figure.applyAsLong(cgroup));
            other.add(0, -figure.applyAsLong(cgroup));
        }
        series.add(null, other.get(0));
    }

    private interface Series {
        /** @param cgroup {@code null} for the other series */
        void add(CgroupFigures cgroup, long value);
    }

    private static void add(ScrapeSamples samples, ModelMetric metric, HostModel host, CgroupFigures cgroup, long value,
                            String... more) {
        String[] labels = new String[NAMED.length + more.length];
        labels[0] = host.host();
        if (cgroup == null) {
            labels[1] = OTHER;
            for (int i = 2; i < NAMED.length; i++) {
                labels[i] = "";
            }
        } else {
            CgroupNames names = cgroup.names();
            labels[1] = cgroup.path();
            labels[2] = orEmpty(names.unit());
            labels[3] = orEmpty(names.runtime());
            labels[4] = orEmpty(names.containerId());
            labels[5] = orEmpty(names.podUid());
        }
        System.arraycopy(more, 0, labels, NAMED.length, more.length);
        samples.add(metric, value, labels);
    }

    private static String orEmpty(String label) {
        return label == null ? "" : label;
    }
}
