package io.gemtrack.aggregator.metrics;

import io.gemtrack.aggregator.model.FleetModel;
import io.gemtrack.aggregator.model.HostModel;
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
        deadLetters = Counter.builder()
                .name("gemtrack_dead_letters_total")
                .help("Records sent to the dead-letter topic instead of being applied, by reason.")
                .labelNames("reason")
                .register(registry);
        hostGauge(fleet, "gemtrack_host_gem_bytes", "Bytes of live GEM objects on the host.", Unit.BYTES,
                HostModel::gemBytes);
        hostGauge(fleet, "gemtrack_host_gem_objects", "Live GEM objects on the host.", null,
                HostModel::liveObjects);
        CounterWithCallback.builder()
                .name("gemtrack_sequence_gaps_total")
                .help("Gaps in a host's event sequence numbers: events that were lost before reaching the aggregator.")
                .labelNames("host")
                .callback(forEachHost(fleet, HostModel::sequenceGaps, callback -> callback::call))
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

    public void deadLetter(String reason) {
        deadLetters.labelValues(reason).inc();
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
