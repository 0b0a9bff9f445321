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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Decoding (with full validation) and encoding of the events of a fleet-like stream, one event per operation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

    private final EventCodec codec = new EventCodec();
    private Workload workload;
    private int next;

    @Setup
    public void setUp() {
        workload = Workload.hosts(100);
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
