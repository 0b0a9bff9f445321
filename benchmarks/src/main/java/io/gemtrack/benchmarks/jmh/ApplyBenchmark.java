package io.gemtrack.benchmarks.jmh;

import io.gemtrack.benchmarks.BusyHostModel;
import io.gemtrack.benchmarks.Workload;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.BusyHost;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The model's fold, per event type: each benchmark applies a pair (or triple) of events that leaves the host as
 * it found it, so it runs in a steady state for as long as JMH likes. Scores are events per second; each
 * operation also builds its envelopes, as decoding would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ApplyBenchmark {

    private static final String HOST = "host-a";
    private static final String BOOT = "boot-1";
    private static final long SHARED_OBJECT = 1;
    private static final long COMPOSITOR_FILE = 1;
    private static final int COMPOSITOR = 100;
    private static final int CLIENT = 200;

    private HostModel host;
    private long seq;
    private long nextObject = 1_000;

    @Setup(Level.Trial)
    public void setUp() {
        host = new HostModel(HOST);
        List<Event> story = BasicScenario.events(HOST, BOOT);
        story.forEach(host::apply);
        seq = story.size();
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public ApplyResult pinUnpin() {
        apply(new GemUnpin(SHARED_OBJECT, EventBody.PAGE_SIZE));
        return apply(new GemPin(SHARED_OBJECT, EventBody.PAGE_SIZE));
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public ApplyResult handleCreateDelete() {
        apply(new GemHandleCreate(COMPOSITOR_FILE, 77, SHARED_OBJECT));
        return apply(new GemHandleDelete(COMPOSITOR_FILE, 77));
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public ApplyResult mmapMunmap() {
        apply(new GemMmap(COMPOSITOR, SHARED_OBJECT));
        return apply(new GemMunmap(COMPOSITOR, SHARED_OBJECT));
    }

    @Benchmark
    public ApplyResult mmCounters() {
        return apply(new MmCounters(CLIENT, (seq & 1) << 12, 24L << 20, 0, 0, 1L << 20, 0));
    }

    @Benchmark
    @OperationsPerInvocation(4)
    public ApplyResult createPinFree() {
        long object = nextObject++;
        apply(new GemCreate(object, 0, "vram", 1L << 20, CLIENT, 2, 100));
        apply(new GemPin(object, 1L << 20));
        apply(new GemHandleDelete(2, 100));
        return apply(new GemFree(object));
    }

    /** The model the steady-state benchmarks work on, so a test can check they leave it as they found it. */
    public HostModel host() {
        return host;
    }

    private ApplyResult apply(EventBody body) {
        return host.apply(new Event(HOST, BOOT, seq++, seq, body));
    }

    /**
     * A host of a million live objects ({@link BusyHost}), whose events touch objects all over the model, so
     * lookups and ledger updates miss the CPU caches as on a big host rather than a small one. The objects are
     * drawn with a fixed seed.
     */
    @State(Scope.Thread)
    public static class Busy {
        private final BusyHost shape;
        private final SplittableRandom random = new SplittableRandom(1);
        private HostModel host;
        private long seq;

        public Busy() {
            this(new BusyHost(1_000, 1_000));
        }

        public Busy(BusyHost shape) {
            this.shape = shape;
        }

        @Setup(Level.Trial)
        public void setUp() {
            host = BusyHostModel.fold(shape);
            seq = host.lastSeq() + 1;
        }

        long randomObject() {
            return 1 + random.nextLong(shape.objects());
        }

        ApplyResult apply(EventBody body) {
            return host.apply(new Event(BusyHost.NAME, BusyHost.BOOT, seq++, seq, body));
        }

        public HostModel host() {
            return host;
        }
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public ApplyResult busyHostUnpinPin(Busy busy) {
        long object = busy.randomObject();
        busy.apply(new GemUnpin(object, EventBody.PAGE_SIZE));
        return busy.apply(new GemPin(object, EventBody.PAGE_SIZE));
    }

    /** A whole fleet's stream into an empty model: includes creating 1,000 host models. */
    @State(Scope.Thread)
    public static class Fleet {
        Workload workload = Workload.hosts(1_000);
    }

    @Benchmark
    @OperationsPerInvocation(18_000)
    public FleetModel fleetStream(Fleet fleet) {
        FleetModel model = new FleetModel();
        for (Event event : fleet.workload.events()) {
            model.apply(event);
        }
        return model;
    }
}
