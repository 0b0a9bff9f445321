package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.gauge;

import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.policy.ExactSums;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.StatusFigure;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Per-process figures for the top processes of each host only, plus one {@code pid="other"} series holding the
 * rest, so a host with thousands of processes costs a bounded number of series and sums still add up.
 *
 * <p>The top is chosen again only every {@link TopChoice#RESELECTION_INTERVAL}; in between, the processes chosen last
 * keep their series (while they live) and everything else is in {@code other}.
 */
final class ProcessMetrics {

    /** The pid and comm of the series that sums every process outside the top. */
    static final String OTHER = "other";

    static final ModelMetric CHARGED_BYTES = gauge("gemtrack_process_charged_bytes",
            "GEM bytes the policy charges to the process; top processes per host and policy (chosen again every minute), "
                    + "the rest as pid=\"other\".",
            Unit.BYTES, "host", "pid", "comm", "policy");
    static final ModelMetric FREED_BY_KILL_BYTES = gauge("gemtrack_process_freed_by_kill_bytes",
            "Bytes killing the process would free now (anon, swap, page tables, GEM objects it alone holds); "
                    + "top processes per host (chosen again every minute), the rest as pid=\"other\".",
            Unit.BYTES, "host", "pid", "comm");

    static final ModelMetric STATUS_BYTES = gauge("gemtrack_process_status_bytes",
            "Bytes of the GEM objects the process holds that the driver reports as purgeable, active or evicted "
                    + "(figure); top processes per host and figure (chosen again every minute), the rest as pid=\"other\".",
            Unit.BYTES, "host", "pid", "comm", "figure");

    static final List<ModelMetric> ALL = List.of(CHARGED_BYTES, FREED_BY_KILL_BYTES, STATUS_BYTES);

    /** One per policy, the bytes a kill frees, then one per driver status figure. */
    private static final List<TopFigure<Process>> FIGURES = figures();

    private static List<TopFigure<Process>> figures() {
        List<TopFigure<Process>> figures = new ArrayList<>();
        for (Policy policy : Policy.all()) {
            figures.add(new TopFigure<>(CHARGED_BYTES, policy.name(), process -> process.charged(policy)));
        }
        figures.add(new TopFigure<>(FREED_BY_KILL_BYTES, null, OomAdvisor::freedByKill));
        for (StatusFigure figure : StatusFigure.values()) {
            figures.add(new TopFigure<>(STATUS_BYTES, figure.name(), process -> process.status(figure)));
        }
        return List.copyOf(figures);
    }

    private final int limit;
    /** The pids chosen for each host, per figure. */
    private final TopChoice<List<int[]>> chosen;

    /** @param limit how many processes per host (and policy) get series of their own */
    ProcessMetrics(int limit) {
        this(limit, System::nanoTime);
    }

    ProcessMetrics(int limit, LongSupplier nanoTime) {
        this.limit = limit;
        this.chosen = new TopChoice<>(nanoTime);
    }

    void report(HostModel host, ScrapeSamples samples) {
        List<int[]> pidsByFigure = chosen.of(host, () -> choose(host));
        for (int i = 0; i < FIGURES.size(); i++) {
            TopFigure<Process> figure = FIGURES.get(i);
            Selection selection = Selection.of(host, pidsByFigure.get(i), figure.value());
            for (Process process : selection.processes()) {
                figure.add(samples, figure.value().applyAsLong(process), host.host(), pid(process), process.comm());
            }
            figure.add(samples, selection.otherBytes(), host.host(), OTHER, OTHER);
        }
    }

    /** Forgets the choices of hosts that are gone, so the map holds no more hosts than the fleet. */
    void retainHosts(Set<String> hosts) {
        chosen.retainHosts(hosts);
    }

    /** The top of each figure now, largest first. */
    private List<int[]> choose(HostModel host) {
        List<int[]> pidsByFigure = new ArrayList<>(FIGURES.size());
        for (TopFigure<Process> figure : FIGURES) {
            pidsByFigure.add(pids(TopProcesses.of(host.processes(), limit, figure.value())));
        }
        return pidsByFigure;
    }

    private static int[] pids(TopProcesses top) {
        return top.top().stream().mapToInt(ranked -> ranked.process().pid()).toArray();
    }

    /**
     * The chosen processes still alive, and the figure summed over all the others: exact, and saturated at
     * {@link Long#MAX_VALUE} like the figures themselves, since a host's processes may add up to more than a long.
     */
    private record Selection(List<Process> processes, long otherBytes) {

        static Selection of(HostModel host, int[] pids, ToLongFunction<Process> figure) {
            List<Process> alive = new ArrayList<>(pids.length);
            ExactSums other = new ExactSums(1);
            for (Process process : host.processes()) {
                other.add(0, figure.applyAsLong(process));
            }
            for (int pid : pids) {
                Process process = host.process(pid);
                if (process != null) {
                    alive.add(process);
                    other.add(0, -figure.applyAsLong(process));
                }
            }
            return new Selection(alive, other.get(0));
        }
    }

    private static String pid(Process process) {
        return Integer.toString(process.pid());
    }
}
