package io.gemtrack.benchmarks.jmh;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.benchmarks.Workload;
import io.gemtrack.model.FleetModel;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One {@code /metrics} scrape of an aggregator that owns {@code hosts} hosts: collect and write the text format. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScrapeBenchmark {

    @Param({"1000"})
    public int hosts;

    private PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 22);

    @Setup
    public void setUp() {
        FleetModel fleet = new FleetModel();
        Workload.hosts(hosts).events().forEach(fleet::apply);
        HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
        HostActivity.Receipt now = HostActivity.Receipt.now();
        fleet.hosts().forEach(host -> activity.heard(host.host(), now));
        registry = new PrometheusRegistry();
        new AggregatorMetrics(registry, new SharedFleet(fleet), activity);
    }

    @Benchmark
    public int scrape() throws IOException {
        out.reset();
        writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
        return out.size();
    }
}
