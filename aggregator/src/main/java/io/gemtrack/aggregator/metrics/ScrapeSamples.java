package io.gemtrack.aggregator.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one scrape, gathered metric by metric while the model is locked and turned into snapshots after.
 * Each sample is checked as it is added (a counter's value, the labels), and the samples added since a
 * {@link #mark} can be taken back: so one host whose figures cannot be exported is left out whole, and the
 * scrape of the others still succeeds.
 */
final class ScrapeSamples {

    private final Map<ModelMetric, List<DataPointSnapshot>> samples = new LinkedHashMap<>();

    ScrapeSamples(List<ModelMetric> metrics) {
        metrics.forEach(metric -> samples.put(metric, new ArrayList<>()));
    }

    /**
     * Adds a sample; {@code labelValues} follow the metric's label names.
     *
     * @throws IllegalArgumentException if the sample is not one the exposition can hold (a negative counter, ...)
     */
    void add(ModelMetric metric, double value, String... labelValues) {
        List<DataPointSnapshot> list = samples.get(metric);
        if (list == null) {
            throw new IllegalArgumentException(metric.name() + " is not one of this scrape's metrics");
        }
        Labels labels = Labels.of(metric.labelNames(), labelValues);
        list.add(metric.counter() ? CounterDataPointSnapshot.builder().value(value).labels(labels).build()
                : GaugeDataPointSnapshot.builder().value(value).labels(labels).build());
    }

    /** How many samples each metric has now. */
    Mark mark() {
        return new Mark(samples.values().stream().mapToInt(List::size).toArray());
    }

    /** Takes back every sample added since {@code mark}. */
    void rollback(Mark mark) {
        int i = 0;
        for (List<DataPointSnapshot> list : samples.values()) {
            list.subList(mark.sizes()[i++], list.size()).clear();
        }
    }

    /** Where the samples of each metric stood, in the order of the metrics. */
    record Mark(int[] sizes) {
    }

    /** A snapshot per metric that has samples: a metric without any is left out rather than shown empty. */
    MetricSnapshots snapshots() {
        MetricSnapshots.Builder snapshots = MetricSnapshots.builder();
        samples.forEach((metric, list) -> {
            if (!list.isEmpty()) {
                snapshots.metricSnapshot(metric.counter() ? counter(metric, list) : gauge(metric, list));
            }
        });
        return snapshots.build();
    }

    private static MetricSnapshot gauge(ModelMetric metric, List<DataPointSnapshot> list) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(metric.name()).help(metric.help()).unit(metric.unit());
        list.forEach(sample -> gauge.dataPoint((GaugeDataPointSnapshot) sample));
        return gauge.build();
    }

    private static MetricSnapshot counter(ModelMetric metric, List<DataPointSnapshot> list) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(metric.name()).help(metric.help()).unit(metric.unit());
        list.forEach(sample -> counter.dataPoint((CounterDataPointSnapshot) sample));
        return counter.build();
    }
}
