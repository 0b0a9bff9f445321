package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.gauge;

import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.policy.Policy;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/**
 * Per-process figures for the top processes of each host only, plus one {@code pid="other"} series holding the
 * rest, so a host with thousands of processes costs a bounded number of series and sums still add up.
 */
final class ProcessMetrics {

    /** The pid and comm of the series that sums every process outside the top. */
    static final String OTHER = "other";

    static final ModelMetric CHARGED_BYTES = gauge("gemtrack_process_charged_bytes",
            "GEM bytes the policy charges to the process; top processes per host and policy, the rest as pid=\"other\".",
            Unit.BYTES, "host", "pid", "comm", "policy");
    static final ModelMetric FREED_BY_KILL_BYTES = gauge("gemtrack_process_freed_by_kill_bytes",
            "Bytes killing the process would free now (anon, swap, page tables, GEM objects it alone holds); "
                    + "top processes per host, the rest as pid=\"other\".",
            Unit.BYTES, "host", "pid", "comm");

    static final List<ModelMetric> ALL = List.of(CHARGED_BYTES, FREED_BY_KILL_BYTES);

    private final int limit;

    /** @param limit how many processes per host (and policy) get series of their own */
    ProcessMetrics(int limit) {
        this.limit = limit;
    }

    void report(HostModel host, ScrapeSamples samples) {
        for (Policy policy : Policy.all()) {
            TopProcesses top = TopProcesses.of(host.processes(), limit, process -> process.charged(policy));
            for (TopProcesses.Ranked ranked : top.top()) {
                samples.add(CHARGED_BYTES, ranked.bytes(), host.host(), pid(ranked), ranked.process().comm(),
                        policy.name());
            }
            samples.add(CHARGED_BYTES, top.otherBytes(), host.host(), OTHER, OTHER, policy.name());
        }
        TopProcesses freed = TopProcesses.of(host.processes(), limit, OomAdvisor::freedByKill);
        for (TopProcesses.Ranked ranked : freed.top()) {
            samples.add(FREED_BY_KILL_BYTES, ranked.bytes(), host.host(), pid(ranked), ranked.process().comm());
        }
        samples.add(FREED_BY_KILL_BYTES, freed.otherBytes(), host.host(), OTHER, OTHER);
    }

    private static String pid(TopProcesses.Ranked ranked) {
        return Integer.toString(ranked.process().pid());
    }
}
