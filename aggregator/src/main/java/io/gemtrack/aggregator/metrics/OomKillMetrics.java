package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.counter;

import io.gemtrack.model.HostModel;
import io.gemtrack.model.OomKillTotals;
import java.util.List;

/** The OOM kills each host saw, from its post-mortems' totals: how often the kernel chose well, and what it cost. */
final class OomKillMetrics {

    static final ModelMetric KILLS = counter("gemtrack_oom_kills",
            "OOM kills of the host's kernel, by whether the victim freed as much as the best victim would have.",
            "host", "kernel_choice_best");
    static final ModelMetric FREED_BYTES = counter("gemtrack_oom_kill_freed_bytes",
            "Bytes the kernel's OOM kills freed, by the model at the instant of each kill.", "host");
    static final ModelMetric BEST_FREED_BYTES = counter("gemtrack_oom_kill_best_freed_bytes",
            "Bytes the best victims would have freed, had they been killed instead, summed over the kernel's OOM kills.",
            "host");
    static final ModelMetric LEFT_ALIVE_BYTES = counter("gemtrack_oom_kill_left_alive_bytes",
            "Resident GEM bytes the kernel's OOM kills left alive: buffers the killed process held that other processes "
                    + "kept.", "host");

    static final List<ModelMetric> ALL = List.of(KILLS, FREED_BYTES, BEST_FREED_BYTES, LEFT_ALIVE_BYTES);

    private OomKillMetrics() {
    }

    static void report(HostModel host, ScrapeSamples samples) {
        String name = host.host();
        OomKillTotals totals = host.oomKillTotals();
        samples.add(KILLS, totals.killsOfTheBest(), name, "true");
        samples.add(KILLS, totals.kills() - totals.killsOfTheBest(), name, "false");
        samples.add(FREED_BYTES, totals.freedBytes(), name);
        samples.add(BEST_FREED_BYTES, totals.bestFreedBytes(), name);
        samples.add(LEFT_ALIVE_BYTES, totals.leftAliveBytes(), name);
    }
}
