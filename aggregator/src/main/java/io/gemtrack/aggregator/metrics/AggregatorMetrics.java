package io.gemtrack.aggregator.metrics;

import io.gemtrack.aggregator.model.FleetModel;
import io.gemtrack.aggregator.model.HostModel;
import io.gemtrack.aggregator.policy.Policy;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * The aggregator's Prometheus metrics. Pipeline counters are updated as events flow; per-host figures are
 * read from the model at scrape time, so a scrape always shows one consistent state of the model.
 */
public final class AggregatorMetrics {

    private final PrometheusRegistry registry;
    private final Counter eventsApplied;
    private final Counter eventsDuplicate;
    private final Counter eventsSkipped;
    private final Counter deadLetters;

    public AggregatorMetrics(PrometheusRegistry registry, FleetModel fleet) {
        this.registry = registry;
        eventsApplied = Counter.builder()
                .name("gemtrack_events_applied_total")
                .help("Events applied to the host models, by event type.")
                .labelNames("type")
                .register(registry);
        eventsDuplicate = Counter.builder()
                .name("gemtrack_events_duplicate_total")
                .help("Events ignored because their sequence number was already applied (redelivery).")
                .register(registry);
        eventsSkipped = Counter.builder()
                .name("gemtrack_events_skipped_total")
                .help("Events ignored because their host had lost events and was waiting for a snapshot.")
                .register(registry);
        deadLetters = Counter.builder()
                .name("gemtrack_dead_letters_total")
                .help("Records sent to the dead-letter topic instead of being applied, by reason.")
                .labelNames("reason")
                .register(registry);
        hostGauge(fleet, "gemtrack_host_gem_bytes", "Bytes of live GEM objects on the host.", Unit.BYTES,
                HostModel::gemBytes);
        hostGauge(fleet, "gemtrack_host_gem_objects", "Live GEM objects on the host.", null,
                HostModel::liveObjects);
        hostGauge(fleet, "gemtrack_host_orphaned_bytes",
                "Resident bytes of live GEM objects whose creator's mm is dead, which the RFC charges to no one.",
                Unit.BYTES, host -> host.ledger().orphanedBytes());
        hostGauge(fleet, "gemtrack_counter_mismatched_processes",
                "Processes whose last MmCounters sample disagreed with the rfc policy's charge.", null,
                HostModel::processesWithCounterMismatch);
        hostCounter(fleet, "gemtrack_sequence_gaps_total",
                "Gaps in a host's event sequence numbers: events that were lost before reaching the aggregator.",
                HostModel::sequenceGaps);
        hostCounter(fleet, "gemtrack_counter_mismatches_total",
                "MmCounters samples whose MM_DRIVERPAGES disagreed with the rfc policy's charge (fork flaw, driver bugs).",
                HostModel::counterMismatches);
        GaugeWithCallback.builder()
                .name("gemtrack_unsynchronised_hosts")
                .help("Hosts that lost events and whose models wait for a snapshot.")
                .callback(callback -> {
                    synchronized (fleet) {
                        callback.call(fleet.hosts().stream().filter(host -> !host.synchronised()).count());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("gemtrack_host_unaccounted_bytes")
                .help("Resident GEM bytes the policy charges to no process, by host and policy.")
                .unit(Unit.BYTES)
                .labelNames("host", "policy")
                .callback(callback -> {
                    synchronized (fleet) {
                        for (HostModel host : fleet.hosts()) {
                            for (Policy policy : Policy.all()) {
                                callback.call(host.ledger().unaccounted(policy), host.host(), policy.name());
                            }
                        }
                    }
                })
                .register(registry);
    }

    private void hostGauge(FleetModel fleet, String name, String help, Unit unit, ToDoubleFunction<HostModel> value) {
        GaugeWithCallback.Builder builder = GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("host")
                .callback(forEachHost(fleet, value, callback -> callback::call));
        if (unit != null) {
            builder.unit(unit);
        }
        builder.register(registry);
    }

    private void hostCounter(FleetModel fleet, String name, String help, ToDoubleFunction<HostModel> value) {
        CounterWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("host")
                .callback(forEachHost(fleet, value, callback -> callback::call))
                .register(registry);
    }

    /** Reports one sample per host, holding the fleet's lock so the scrape never sees a half-applied event. */
    private static <C> Consumer<C> forEachHost(FleetModel fleet, ToDoubleFunction<HostModel> value,
                                               java.util.function.Function<C, HostSample> sink) {
        return callback -> {
            HostSample sample = sink.apply(callback);
            synchronized (fleet) {
                for (HostModel host : fleet.hosts()) {
                    sample.report(value.applyAsDouble(host), host.host());
                }
            }
        };
    }

    /** The common shape of client_java's gauge and counter callbacks. */
    @FunctionalInterface
    private interface HostSample {
        void report(double value, String host);
    }

    public void applied(String type) {
        eventsApplied.labelValues(type).inc();
    }

    public void duplicate() {
        eventsDuplicate.inc();
    }

    public void skipped() {
        eventsSkipped.inc();
    }

    public void deadLetter(String reason) {
        deadLetters.labelValues(reason).inc();
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
