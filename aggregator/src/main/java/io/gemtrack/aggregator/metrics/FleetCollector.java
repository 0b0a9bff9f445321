package io.gemtrack.aggregator.metrics;

import static io.gemtrack.aggregator.metrics.ModelMetric.gauge;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.HostQuarantine;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.model.HostModel;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads every figure of the model at scrape time, host by host: each host's series are read in one hold of the
 * fleet's lock (the consumer applies events under it), so all series of a host describe one state of it and no
 * event is half applied, and the applier waits for one host's series at most rather than the whole fleet's. The
 * cost is paid per scrape, not per event. Scrapes take turns, since the tops chosen for the hosts are kept between
 * them.
 */
final class FleetCollector implements MultiCollector {

    static final ModelMetric HOSTS = gauge("gemtrack_hosts",
            "Hosts whose events this aggregator consumes (those of its Kafka partitions).", null);
    static final ModelMetric UNSYNCHRONISED_HOSTS = gauge("gemtrack_unsynchronised_hosts",
            "Hosts that lost events and whose models wait for a snapshot.", null);
    static final ModelMetric QUARANTINED = gauge("gemtrack_host_quarantined",
            "1 while the host is quarantined (an unexpected error applying, checkpointing, exporting or showing it): its "
                    + "events are skipped and its other series left out until a snapshot or a new boot. 0 otherwise.",
            null, "host");
    static final ModelMetric LAST_EVENT_AGE = gauge("gemtrack_host_last_event_age_seconds",
            "Time since the aggregator last received a record of the host (or restored it from a checkpoint).", Unit.SECONDS,
            "host");

    private final SharedFleet fleet;
    private final HostActivity activity;
    private final ProcessMetrics processMetrics;
    private final CgroupMetrics cgroupMetrics;
    private final List<ModelMetric> metrics = new ArrayList<>();

    /** @param topProcesses how many processes (and cgroups) per host get series of their own */
    FleetCollector(SharedFleet fleet, HostActivity activity, int topProcesses) {
        this.fleet = fleet;
        this.activity = activity;
        this.processMetrics = new ProcessMetrics(topProcesses);
        this.cgroupMetrics = new CgroupMetrics(topProcesses);
        metrics.addAll(List.of(HOSTS, UNSYNCHRONISED_HOSTS, QUARANTINED, LAST_EVENT_AGE));
        metrics.addAll(HostMetrics.ALL);
        metrics.addAll(ProcessMetrics.ALL);
        metrics.addAll(OomMetrics.ALL);
        metrics.addAll(CgroupMetrics.ALL);
        metrics.addAll(OomKillMetrics.ALL);
    }

    @Override
    public synchronized MetricSnapshots collect() {
        ScrapeSamples samples = new ScrapeSamples(metrics);
        long now = HostActivity.now();
        Set<String> scraped = new HashSet<>();
        List<Boolean> synchronised = fleet.readEachHost(host -> {
            activity.silentSeconds(host.host(), now).ifPresent(seconds -> samples.add(LAST_EVENT_AGE, seconds, host.host()));
            report(host, samples);
            scraped.add(host.host());
            return host.synchronised();
        });
        long unsynchronised = synchronised.stream().filter(isSynchronised -> !isSynchronised).count();
        processMetrics.retainHosts(scraped);
        cgroupMetrics.retainHosts(scraped);
        samples.add(HOSTS, scraped.size());
        samples.add(UNSYNCHRONISED_HOSTS, unsynchronised);
        return samples.snapshots();
    }

    /**
     * One host's series, all or none: a host whose figures cannot be exported is quarantined and left out rather
     * than failing the whole scrape, so one host's bad state cannot blind the metrics of all the others. A
     * quarantined host shows only that it is.
     */
    private void report(HostModel host, ScrapeSamples samples) {
        if (host.quarantineReason().isEmpty()) {
            ScrapeSamples.Mark mark = samples.mark();
            try {
                HostMetrics.report(host, samples);
                processMetrics.report(host, samples);
                OomMetrics.report(host, samples);
                cgroupMetrics.report(host, samples);
                OomKillMetrics.report(host, samples);
            } catch (RuntimeException e) {
                samples.rollback(mark);
                HostQuarantine.quarantine(host, "exporting its metrics", e);
            }
        }
        samples.add(QUARANTINED, host.quarantineReason().isPresent() ? 1 : 0, host.host());
    }

    /** The names client_java checks against other collectors' at registration (counters without _total). */
    @Override
    public List<String> getPrometheusNames() {
        return metrics.stream().map(ModelMetric::name).toList();
    }
}
