package io.gemtrack.benchmarks.jmh;

import io.gemtrack.collector.Collector;
import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.events.Event;
import io.gemtrack.testkit.KernelFixtures;
import io.gemtrack.testkit.ProcTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One sample of the collector on a fixture host of {@code processes} processes and {@code fds} fds that does not
 * change between samples (every read, no event): the steady cost of watching a host. Needs root, for the fixture's
 * device nodes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CollectorBenchmark {

    @Param({"1000"})
    public int processes;

    @Param({"5000"})
    public int fds;

    private Path dir;
    private Collector collector;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("gemtrack-collector-benchmark");
        ProcTree tree = KernelFixtures.busyHost(dir, processes, fds);
        collector = new Collector(new ProcFs(tree.root()), "benchmark-host", System::nanoTime);
        collector.sample();
    }

    @TearDown
    public void tearDown() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public List<Event> sample() throws IOException {
        return collector.sample();
    }
}
