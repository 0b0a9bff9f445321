package io.gemtrack.benchmarks.jmh;

import io.gemtrack.benchmarks.BusyHostModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.BusyHost;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One OOM ranking of a host with {@code processes} processes, each holding its own pinned buffer. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OomRankingBenchmark {

    @Param({"1000"})
    public int processes;

    @Param({"rss", "rfc", "proportional", "freeable"})
    public String policy;

    private HostModel host;
    private Policy chosen;

    @Setup
    public void setUp() {
        host = BusyHostModel.fold(new BusyHost(processes, 1));
        chosen = Policy.valueOf(policy);
    }

    @Benchmark
    public OomRanking rank() {
        return OomAdvisor.rank(host, chosen);
    }
}
