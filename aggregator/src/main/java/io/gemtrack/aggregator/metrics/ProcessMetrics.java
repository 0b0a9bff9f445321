package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.gauge;

import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.policy.Policy;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Per-process figures for the top processes of each host only, plus one {@code pid="other"} series holding the
 * rest, so a host with thousands of processes costs a bounded number of series and sums still add up.
 *
 * <p>The top is chosen again only every {@link #RESELECTION_INTERVAL}; in between, the processes chosen last keep
 * their series (while they live) and everything else is in {@code other}. Per-process series are keyed by pid, and
 * a top chosen at every scrape follows every short-lived process into and out of it: each one a new series for
 * Prometheus to create and keep. Choosing again at a fixed interval bounds that over time, not only per scrape:
 * over any window, a host has at most {@code limit × (window / interval + 1)} per-process series per figure.
 */
final class ProcessMetrics {

    /** The pid and comm of the series that sums every process outside the top. */
    static final String OTHER = "other";
    static final Duration RESELECTION_INTERVAL = Duration.ofSeconds(60);

    static final ModelMetric CHARGED_BYTES = gauge("gemtrack_process_charged_bytes",
            "GEM bytes the policy charges to the process; top processes per host and policy (chosen again every minute), "
                    + "the rest as pid=\"other\".",
            Unit.BYTES, "host", "pid", "comm", "policy");
    static final ModelMetric FREED_BY_KILL_BYTES = gauge("gemtrack_process_freed_by_kill_bytes",
            "Bytes killing the process would free now (anon, swap, page tables, GEM objects it alone holds); "
                    + "top processes per host (chosen again every minute), the rest as pid=\"other\".",
            Unit.BYTES, "host", "pid", "comm");

    static final List<ModelMetric> ALL = List.of(CHARGED_BYTES, FREED_BY_KILL_BYTES);

    /** The figures that get per-process series: one per policy, then the bytes a kill frees. */
    private static final int FIGURES = Policy.all().size() + 1;

    private final int limit;
    private final LongSupplier nanoTime;
    /** The processes chosen for each host, per figure, and when; read and written under the fleet's lock, as scrapes are. */
    private final Map<String, Chosen> chosen = new HashMap<>();

    /** The top of one host boot's figures, as chosen at {@code atNanos}. */
    private record Chosen(String bootId, long atNanos, List<int[]> pidsByFigure) {
    }

    /** @param limit how many processes per host (and policy) get series of their own */
    ProcessMetrics(int limit) {
        this(limit, System::nanoTime);
    }

    ProcessMetrics(int limit, LongSupplier nanoTime) {
        this.limit = limit;
        this.nanoTime = nanoTime;
    }

    void report(HostModel host, ScrapeSamples samples) {
        Chosen top = chosenFor(host);
        List<Policy> policies = Policy.all();
        for (int i = 0; i < policies.size(); i++) {
            Policy policy = policies.get(i);
            Selection selection = Selection.of(host, top.pidsByFigure().get(i), process -> process.charged(policy));
            for (Process process : selection.processes()) {
                samples.add(CHARGED_BYTES, process.charged(policy), host.host(), pid(process), process.comm(), policy.name());
            }
            samples.add(CHARGED_BYTES, selection.otherBytes(), host.host(), OTHER, OTHER, policy.name());
        }
        Selection freed = Selection.of(host, top.pidsByFigure().get(policies.size()), OomAdvisor::freedByKill);
        for (Process process : freed.processes()) {
            samples.add(FREED_BY_KILL_BYTES, OomAdvisor.freedByKill(process), host.host(), pid(process), process.comm());
        }
        samples.add(FREED_BY_KILL_BYTES, freed.otherBytes(), host.host(), OTHER, OTHER);
    }

    /** Forgets the choices of hosts that are gone, so the map holds no more hosts than the fleet. */
    void retainHosts(Set<String> hosts) {
        chosen.keySet().retainAll(hosts);
    }

    /** The top chosen for this host boot, chosen anew when it is older than the interval (or for a new boot). */
    private Chosen chosenFor(HostModel host) {
        long now = nanoTime.getAsLong();
        Chosen last = chosen.get(host.host());
        if (last != null && Objects.equals(last.bootId(), host.bootId()) && now - last.atNanos() < RESELECTION_INTERVAL.toNanos()) {
            return last;
        }
        List<int[]> pidsByFigure = new ArrayList<>(FIGURES);
        for (Policy policy : Policy.all()) {
            pidsByFigure.add(pids(TopProcesses.of(host.processes(), limit, process -> process.charged(policy))));
        }
        pidsByFigure.add(pids(TopProcesses.of(host.processes(), limit, OomAdvisor::freedByKill)));
        Chosen fresh = new Chosen(host.bootId(), now, pidsByFigure);
        chosen.put(host.host(), fresh);
        return fresh;
    }

    private static int[] pids(TopProcesses top) {
        return top.top().stream().mapToInt(ranked -> ranked.process().pid()).toArray();
    }

    /** The chosen processes still alive, and the figure summed over all the others. */
    private record Selection(List<Process> processes, long otherBytes) {

        static Selection of(HostModel host, int[] pids, ToLongFunction<Process> figure) {
            List<Process> alive = new ArrayList<>(pids.length);
            long inTop = 0;
            for (int pid : pids) {
                Process process = host.process(pid);
                if (process != null) {
                    alive.add(process);
                    inTop += figure.applyAsLong(process);
                }
            }
            long total = 0;
            for (Process process : host.processes()) {
                total += figure.applyAsLong(process);
            }
            return new Selection(alive, total - inTop);
        }
    }

    private static String pid(Process process) {
        return Integer.toString(process.pid());
    }
}
