package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.gauge;

import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.Policy;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/** Whom the OOM killer would pick on each host under each policy, and whether a better choice exists. */
final class OomMetrics {

    static final ModelMetric VICTIM = gauge("gemtrack_oom_victim",
            "1 for the process the OOM killer would kill under the policy.", null, "host", "policy", "pid", "comm");
    static final ModelMetric VICTIM_FREED_BYTES = gauge("gemtrack_oom_victim_freed_bytes",
            "Bytes killing the policy's OOM victim would free.", Unit.BYTES, "host", "policy");
    static final ModelMetric BEST_FREED_BYTES = gauge("gemtrack_oom_best_freed_bytes",
            "The most bytes killing any single process on the host would free.", Unit.BYTES, "host");
    static final ModelMetric VICTIM_MISMATCH = gauge("gemtrack_oom_victim_mismatch",
            "1 when the policy's OOM victim frees less than the best possible victim, else 0.", null, "host", "policy");

    static final List<ModelMetric> ALL = List.of(VICTIM, VICTIM_FREED_BYTES, BEST_FREED_BYTES, VICTIM_MISMATCH);

    private OomMetrics() {
    }

    static void report(HostModel host, ScrapeSamples samples) {
        String name = host.host();
        OomCandidate best = null;
        for (Policy policy : Policy.all()) {
            OomRanking ranking = OomAdvisor.rank(host, policy);
            OomCandidate victim = ranking.victim();
            if (victim != null) {
                samples.add(VICTIM, 1, name, policy.name(), Integer.toString(victim.pid()), victim.comm());
                samples.add(VICTIM_FREED_BYTES, victim.freedBytes(), name, policy.name());
            }
            samples.add(VICTIM_MISMATCH, ranking.mismatch() ? 1 : 0, name, policy.name());
            // The best victim depends on what kills free, not on the policy: any ranking names it.
            best = ranking.bestVictim();
        }
        if (best != null) {
            samples.add(BEST_FREED_BYTES, best.freedBytes(), name);
        }
    }
}
