package io.gemtrack.aggregator.metrics;

import io.gemtrack.aggregator.build.BuildInfo;
import io.gemtrack.aggregator.kafka.ConsumerMetrics;
import io.gemtrack.aggregator.kafka.EventConsumer;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The aggregator's Prometheus metrics (docs/METRICS.md). Pipeline counters and the apply-latency histogram are
 * updated as events flow; everything about the hosts is read from the model at scrape time by a
 * {@link FleetCollector}, so a scrape shows one consistent state and applying an event costs no metric updates.
 */
public final class AggregatorMetrics implements ConsumerMetrics, DeadLetterPublisher.Outcomes {

    /** How many processes per host get series of their own unless configured otherwise. */
    public static final int DEFAULT_TOP_PROCESSES = 10;

    private final Counter eventsApplied;
    /** The per-type series, looked up once: {@code labelValues} builds a key per call, and this is called per event. */
    private final Map<String, CounterDataPoint> appliedByType = new ConcurrentHashMap<>();
    private final Counter eventsDuplicate;
    private final Counter eventsSkipped;
    private final Counter eventsQuarantined;
    private final Counter deadLetters;
    private final Counter deadLettersLost;
    private final Histogram applyDuration;
    /** The lag of each assigned partition as of the consumer's last poll; replaced whole, read by scrapes. */
    private volatile Map<TopicPartition, Long> consumerLag = Map.of();
    private volatile boolean consumerUp;

    public AggregatorMetrics(PrometheusRegistry registry, SharedFleet fleet, HostActivity activity) {
        this(registry, fleet, activity, DEFAULT_TOP_PROCESSES);
    }

    /**
     * @param activity     when each host was last heard from, guarded by the fleet's lock
     * @param topProcesses how many processes per host (and policy) get per-process series of their own
     */
    public AggregatorMetrics(PrometheusRegistry registry, SharedFleet fleet, HostActivity activity, int topProcesses) {
        if (topProcesses < 0) {
            throw new IllegalArgumentException("topProcesses must not be negative: " + topProcesses);
        }
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
        eventsQuarantined = Counter.builder()
                .name("gemtrack_events_quarantined_total")
                .help("Events ignored because their host was quarantined and was waiting for a snapshot or a new boot.")
                .register(registry);
        deadLetters = Counter.builder()
                .name("gemtrack_dead_letters_total")
                .help("Records stored in the dead-letter topic instead of being applied, by reason.")
                .labelNames("reason")
                .register(registry);
        // Every reason starts at 0, so the first dead letter of a reason is an increase Prometheus can see.
        for (MalformedEventException.Kind kind : MalformedEventException.Kind.values()) {
            deadLetters.initLabelValues(kind.name());
        }
        deadLetters.initLabelValues(EventConsumer.MODEL_INVARIANT);
        deadLetters.initLabelValues(EventConsumer.KEY_MISMATCH);
        deadLetters.initLabelValues(EventConsumer.QUARANTINED);
        deadLettersLost = Counter.builder()
                .name("gemtrack_dead_letter_send_failures_total")
                .help("Records to be dead-lettered that the dead-letter topic did not take after every attempt: logged, not stored.")
                .register(registry);
        applyDuration = Histogram.builder()
                .name("gemtrack_apply_duration_seconds")
                .help("Time to apply one decoded event to its host's model, without waiting for the model's lock.")
                .unit(Unit.SECONDS)
                // An apply takes microseconds; client_java's default buckets start at 5 ms and would see nothing.
                .classicOnly()
                .classicExponentialUpperBounds(1e-6, 4, 10)
                .register(registry);
        GaugeWithCallback.builder()
                .name("gemtrack_consumer_lag_records")
                .help("Records in each assigned partition of the events topic not yet consumed, as of the last poll.")
                .labelNames("topic", "partition")
                .callback(callback -> consumerLag.forEach((partition, lag) ->
                        callback.call(lag, partition.topic(), Integer.toString(partition.partition()))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("gemtrack_consumer_up")
                .help("1 while the event consumer is consuming; 0 once it stopped, on an error or a close.")
                .callback(callback -> callback.call(consumerUp ? 1 : 0))
                .register(registry);
        registry.register(new FleetCollector(fleet, activity, topProcesses));
        Info.builder()
                .name("gemtrack_build_info")
                .help("The gemtrack version this aggregator runs; always 1.")
                .labelNames("version")
                .register(registry)
                .setLabelValues(BuildInfo.version());
        JvmMetrics.builder().register(registry);
    }

    @Override
    public void applied(String type) {
        appliedByType.computeIfAbsent(type, eventsApplied::labelValues).inc();
    }

    @Override
    public void duplicate() {
        eventsDuplicate.inc();
    }

    @Override
    public void skipped() {
        eventsSkipped.inc();
    }

    @Override
    public void quarantineSkipped() {
        eventsQuarantined.inc();
    }

    @Override
    public void deadLetterStored(String reason) {
        deadLetters.labelValues(reason).inc();
    }

    @Override
    public void deadLetterLost(String reason) {
        deadLettersLost.inc();
    }

    @Override
    public void applyDuration(long nanos) {
        applyDuration.observe(nanos / 1e9);
    }

    @Override
    public void consumerUp(boolean up) {
        consumerUp = up;
    }

    @Override
    public void consumerLag(Map<TopicPartition, Long> lagByPartition) {
        consumerLag = Map.copyOf(lagByPartition);
    }
}
