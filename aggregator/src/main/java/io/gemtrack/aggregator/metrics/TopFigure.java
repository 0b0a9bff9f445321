package io.gemtrack.aggregator.metrics;

import java.util.Arrays;
import java.util.function.ToLongFunction;

/**
 * A figure whose top members per host (processes, cgroups) get series of their own: its metric, the label value
 * naming it ({@code null} where the metric holds one figure only, as the bytes a kill frees) and how a member's
 * value is read.
 *
 * @param <T> what the series are for
 */
record TopFigure<T>(ModelMetric metric, String label, ToLongFunction<T> value) {

    /** Adds a sample: {@code named} are the label values naming the member, the figure's own label follows them. */
    void add(ScrapeSamples samples, long bytes, String... named) {
        if (label == null) {
            samples.add(metric, bytes, named);
        } else {
            String[] labels = Arrays.copyOf(named, named.length + 1);
            labels[named.length] = label;
            samples.add(metric, bytes, labels);
        }
    }
}
