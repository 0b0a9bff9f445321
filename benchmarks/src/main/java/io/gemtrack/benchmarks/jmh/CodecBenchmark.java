package io.gemtrack.benchmarks.jmh;

import io.gemtrack.benchmarks.Workload;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding (with full validation) and encoding, one event per operation, of the bench's two workloads: {@code steady}, a
 * fleet of long-lived hosts of the emulator's mixed scenario (the bench's steady fleet at a tenth of its hosts), and
 * {@code churn}, hosts that each tell the basic scenario's story.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    private final EventCodec codec = new EventCodec();
    @Param({"steady", "churn"})
    private String stream;
    private Workload workload;
    private int next;

    @Setup
    public void setUp() {
        workload = stream.equals("steady") ? Workload.steadyFleet(1_000, 100_000, 10_000) : Workload.hosts(100);
    }

    @Benchmark
    public Event decode() throws MalformedEventException {
        return codec.decode(workload.encoded().get(nextIndex()));
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(workload.events().get(nextIndex()));
    }

    private int nextIndex() {
        int index = next;
        next = index + 1 == workload.size() ? 0 : index + 1;
        return index;
    }
}
