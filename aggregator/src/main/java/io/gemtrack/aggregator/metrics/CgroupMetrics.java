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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Per-cgroup figures (SEMANTICS.md §11), bounded like the per-process ones: the cgroups processes are in (in cgroup v2
 * only leaves hold processes, so these never overlap) get series for the top of each host and policy, the rest are
 * summed into one {@code cgroup="other"} series; the cgroups with a {@code memory.max} get their limit, use and GPU
 * charges for the top of each host by use. Labels name the unit, container and pod the path names ({@code ""} where
 * it names none).
 *
 * <p>As for processes, the top is chosen again only every {@link TopChoice#RESELECTION_INTERVAL}: units named by pid
 * ({@code app-NAME-PID.scope}, {@code shader-worker@PID.service}) come and go like processes, and a top chosen at every
 * scrape would give each one new series. In between, the cgroups chosen last keep their series while they hold
 * processes (or keep their {@code memory.max}), and the rest are in {@code other}.
 */
final class CgroupMetrics {

    static final String OTHER = "other";
    /** What names a cgroup in its series: its host, its path and what the path says. */
    private static final String[] NAMED = {"host", "cgroup", "unit", "runtime", "container_id", "pod_uid"};
    private static final String[] NAMED_AND_POLICY = Stream.concat(Arrays.stream(NAMED), Stream.of("policy")).toArray(String[]::new);

    static final ModelMetric CHARGED_BYTES = gauge("gemtrack_cgroup_charged_bytes",
            "GPU bytes the policy charges to the processes of a cgroup, a buffer several of them hold counted once under "
                    + "holder; top cgroups holding processes per host and policy (chosen again every minute), the rest as "
                    + "cgroup=\"other\".",
            Unit.BYTES, NAMED_AND_POLICY);
    static final ModelMetric FREED_BY_KILL_BYTES = gauge("gemtrack_cgroup_freed_by_kill_bytes",
            "Bytes killing every process of a cgroup would free (anon, swap, page tables, GPU buffers no process outside "
                    + "holds); top cgroups holding processes per host (chosen again every minute), the rest as cgroup=\"other\".",
            Unit.BYTES, NAMED);
    static final ModelMetric MEMORY_MAX_BYTES = gauge("gemtrack_memcg_max_bytes",
            "memory.max of a cgroup that has one, as last sampled; top limited cgroups per host by memory.current (chosen "
                    + "again every minute).",
            Unit.BYTES, NAMED);
    static final ModelMetric MEMORY_CURRENT_BYTES = gauge("gemtrack_memcg_current_bytes",
            "memory.current of a cgroup with a memory.max, as last sampled (memcg does not count GPU memory); top "
                    + "limited cgroups per host (chosen again every minute).",
            Unit.BYTES, NAMED);
    static final ModelMetric GPU_CHARGED_BYTES = gauge("gemtrack_memcg_gpu_charged_bytes",
            "GPU bytes the policy charges to a cgroup with a memory.max, itself and beneath it; top limited cgroups per host "
                    + "(chosen again every minute).",
            Unit.BYTES, NAMED_AND_POLICY);
    static final ModelMetric DMEM_CURRENT_BYTES = gauge("gemtrack_memcg_dmem_current_bytes",
            "dmem.current of a cgroup with a memory.max, summed over its device regions, as last sampled: the device "
                    + "memory the kernel charges to tasks that allocated it there; top limited cgroups per host (chosen "
                    + "again every minute).",
            Unit.BYTES, NAMED);
    static final ModelMetric OOM_MISMATCH = gauge("gemtrack_memcg_oom_victim_mismatch",
            "1 when the memcg OOM killer's victim inside a cgroup with a memory.max frees less under the policy than the "
                    + "best victim inside it, else 0; top limited cgroups per host (chosen again every minute).",
            null, NAMED_AND_POLICY);

    static final List<ModelMetric> ALL = List.of(CHARGED_BYTES, FREED_BY_KILL_BYTES, MEMORY_MAX_BYTES, MEMORY_CURRENT_BYTES,
            GPU_CHARGED_BYTES, DMEM_CURRENT_BYTES, OOM_MISMATCH);

    /** One per policy, then the bytes a kill frees. */
    private static final List<TopFigure<CgroupFigures>> LEAF_FIGURES = leafFigures();

    private static List<TopFigure<CgroupFigures>> leafFigures() {
        List<TopFigure<CgroupFigures>> figures = new ArrayList<>();
        for (Policy policy : Policy.all()) {
            figures.add(new TopFigure<>(CHARGED_BYTES, policy.name(), cgroup -> cgroup.charged().get(policy)));
        }
        figures.add(new TopFigure<>(FREED_BY_KILL_BYTES, null, CgroupFigures::freedByKillBytes));
        return List.copyOf(figures);
    }

    /** The paths chosen for a host: the top cgroups holding processes per leaf figure, and the top limited ones. */
    private record ChosenPaths(List<List<String>> leavesByFigure, List<String> limited) {
    }

    private final int limit;
    private final TopChoice<ChosenPaths> chosen;

    /** @param limit how many cgroups per host (and policy) get series of their own */
    CgroupMetrics(int limit) {
        this(limit, System::nanoTime);
    }

    CgroupMetrics(int limit, LongSupplier nanoTime) {
        this.limit = limit;
        this.chosen = new TopChoice<>(nanoTime);
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
        Map<String, CgroupFigures> leaves = new LinkedHashMap<>();
        Map<String, CgroupFigures> limited = new LinkedHashMap<>();
        for (CgroupFigures cgroup : tree.cgroups()) {
            if (occupied.contains(cgroup.path()) && !cgroup.path().equals(EventBody.ROOT_CGROUP)) {
                leaves.put(cgroup.path(), cgroup);
            }
            if (cgroup.usage() != null && cgroup.usage().memoryMaxBytes() != EventBody.NO_LIMIT) {
                limited.put(cgroup.path(), cgroup);
            }
        }
        ChosenPaths paths = chosen.of(host, () -> choose(leaves.values(), limited.values()));
        for (int i = 0; i < LEAF_FIGURES.size(); i++) {
            TopFigure<CgroupFigures> figure = LEAF_FIGURES.get(i);
            ExactSums other = new ExactSums(1);
            for (CgroupFigures cgroup : leaves.values()) {
                other.add(0, figure.value().applyAsLong(cgroup));
            }
            for (String path : paths.leavesByFigure().get(i)) {
                CgroupFigures cgroup = leaves.get(path);
                if (cgroup != null) {
                    long bytes = figure.value().applyAsLong(cgroup);
                    figure.add(samples, bytes, named(host, cgroup));
                    other.add(0, -bytes);
                }
            }
            figure.add(samples, other.get(0), named(host, null));
        }
        for (String path : paths.limited()) {
            CgroupFigures cgroup = limited.get(path);
            if (cgroup != null) {
                reportLimited(host, cgroup, samples);
            }
        }
    }

    /** Forgets the choices of hosts that are gone, so the map holds no more hosts than the fleet. */
    void retainHosts(Set<String> hosts) {
        chosen.retainHosts(hosts);
    }

    /**
     * The {@code limit} cgroups with the largest non-zero figure of each leaf figure, and the {@code limit} limited
     * cgroups with the largest {@code memory.current}; ties in path order.
     */
    private ChosenPaths choose(Collection<CgroupFigures> leaves, Collection<CgroupFigures> limited) {
        List<List<String>> leavesByFigure = new ArrayList<>(LEAF_FIGURES.size());
        for (TopFigure<CgroupFigures> figure : LEAF_FIGURES) {
            leavesByFigure.add(top(leaves.stream().filter(cgroup -> figure.value().applyAsLong(cgroup) > 0), figure.value()));
        }
        return new ChosenPaths(List.copyOf(leavesByFigure), top(limited.stream(), cgroup -> cgroup.usage().memoryCurrentBytes()));
    }

    private List<String> top(Stream<CgroupFigures> cgroups, ToLongFunction<CgroupFigures> figure) {
        return cgroups.sorted(Comparator.comparingLong(figure).reversed().thenComparing(CgroupFigures::path))
                .limit(limit)
                .map(CgroupFigures::path)
                .toList();
    }

    private static void reportLimited(HostModel host, CgroupFigures cgroup, ScrapeSamples samples) {
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

    private static void add(ScrapeSamples samples, ModelMetric metric, HostModel host, CgroupFigures cgroup, long value,
                            String... more) {
        String[] named = named(host, cgroup);
        String[] labels = Arrays.copyOf(named, named.length + more.length);
        System.arraycopy(more, 0, labels, named.length, more.length);
        samples.add(metric, value, labels);
    }

    /**
     * The values of the {@link #NAMED} labels.
     *
     * @param cgroup {@code null} for the other series
     */
    private static String[] named(HostModel host, CgroupFigures cgroup) {
        if (cgroup == null) {
            return new String[] {host.host(), OTHER, "", "", "", ""};
        }
        CgroupNames names = cgroup.names();
        return new String[] {host.host(), cgroup.path(), orEmpty(names.unit()), orEmpty(names.runtime()),
                orEmpty(names.containerId()), orEmpty(names.podUid())};
    }

    private static String orEmpty(String label) {
        return label == null ? "" : label;
    }
}
