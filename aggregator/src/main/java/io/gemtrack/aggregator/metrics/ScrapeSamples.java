package io.gemtrack.aggregator.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The samples of one scrape, gathered metric by metric while the model is locked and turned into snapshots after. */
final class ScrapeSamples {

    private record Sample(double value, Labels labels) {
    }

    private final Map<ModelMetric, List<Sample>> samples = new LinkedHashMap<>();

    ScrapeSamples(List<ModelMetric> metrics) {
        metrics.forEach(metric -> samples.put(metric, new ArrayList<>()));
    }

    /** Adds a sample; {@code labelValues} follow the metric's label names. */
    void add(ModelMetric metric, double value, String... labelValues) {
        List<Sample> list = samples.get(metric);
        if (list == null) {
            throw new IllegalArgumentException(metric.name() + " is not one of this scrape's metrics");
        }
        list.add(new Sample(value, Labels.of(metric.labelNames(), labelValues)));
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

    private static MetricSnapshot gauge(ModelMetric metric, List<Sample> list) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(metric.name()).help(metric.help()).unit(metric.unit());
        list.forEach(sample -> gauge.dataPoint(
                GaugeDataPointSnapshot.builder().value(sample.value()).labels(sample.labels()).build()));
        return gauge.build();
    }

    private static MetricSnapshot counter(ModelMetric metric, List<Sample> list) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(metric.name()).help(metric.help()).unit(metric.unit());
        list.forEach(sample -> counter.dataPoint(
                CounterDataPointSnapshot.builder().value(sample.value()).labels(sample.labels()).build()));
        return counter.build();
    }
}
