package io.gemtrack.collector;

import io.gemtrack.collector.diff.HostDiffer;
import io.gemtrack.collector.oom.KernelLog;
import io.gemtrack.collector.oom.KernelLogReader;
import io.gemtrack.collector.oom.OomKillDetector;
import io.gemtrack.collector.procfs.HostSample;
import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.collector.procfs.ProcessSample;
import io.gemtrack.collector.procfs.ReadSkips;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventStamper;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One host's event stream from its procfs: a {@code HostSnapshot} from the first sample, then the changes
 * between samples. Not thread-safe; one per host.
 */
public final class Collector {

    private final ProcFs procFs;
    private final LongSupplier monotonicNanos;
    private final EventStamper stamper;
    private final HostDiffer differ = new HostDiffer();
    private final OomKillDetector oomKills = new OomKillDetector();
    private final Supplier<List<KernelLog.Kill>> kernelLog;
    /** The last sample's processes by kernel pid, and their event pids. */
    private Map<Integer, ProcessSample> lastProcesses = Map.of();
    private Map<Integer, Integer> lastEventPids = Map.of();
    private long samples;
    private long events;
    private ReadSkips skips = ReadSkips.NONE;

    /**
     * @param monotonicNanos the kernel's monotonic clock, which event timestamps are on ({@code System::nanoTime}
     *                       reads it on Linux)
     */
    public Collector(ProcFs procFs, String host, LongSupplier monotonicNanos) throws IOException {
        this(procFs, host, monotonicNanos, List::of);
    }

    /** @param kernelLog the OOM kills the kernel logged since the last call (a {@link KernelLogReader}'s) */
    public Collector(ProcFs procFs, String host, LongSupplier monotonicNanos, Supplier<List<KernelLog.Kill>> kernelLog)
            throws IOException {
        this.procFs = procFs;
        this.kernelLog = kernelLog;
        this.monotonicNanos = monotonicNanos;
        // A restarted collector starts over at seq 0 with new ids. Under the kernel's boot id alone a consumer
        // would drop that as duplicates of the last run, so each run is a boot of its own within the kernel's.
        this.stamper = new EventStamper(host, procFs.bootId() + "/" + monotonicNanos.getAsLong());
    }

    /** Reads the host once and returns the events since the previous sample (the snapshot, the first time). */
    public List<Event> sample() throws IOException {
        long ts = monotonicNanos.getAsLong();
        HostSample sample = procFs.sample();
        List<EventBody> bodies = withOomKills(differ.next(sample), sample);
        List<Event> stamped = bodies.stream().map(body -> stamper.stamp(ts, body)).toList();
        samples++;
        events += stamped.size();
        skips = skips.plus(sample.skips());
        return stamped;
    }

    /**
     * Puts an {@code OomKill} before the exit of each process the OOM killer killed since the last sample, as the
     * kernel reports a kill before the exit it causes.
     */
    private List<EventBody> withOomKills(List<EventBody> bodies, HostSample sample) {
        Map<Integer, ProcessSample> processes = new HashMap<>();
        sample.processes().forEach(process -> processes.put(process.pid(), process));
        long totalPages = (sample.memTotalBytes() + sample.swapTotalBytes()) / EventBody.PAGE_SIZE;
        Map<Integer, OomKillDetector.Victim> killed = new HashMap<>();
        for (OomKillDetector.Victim victim : oomKills.victims(procFs.oomKills(), kernelLog.get(), lastProcesses, processes.keySet(),
                totalPages)) {
            Integer eventPid = lastEventPids.get(victim.kernelPid());
            if (eventPid != null) {
                killed.put(eventPid, victim);
            }
        }
        lastProcesses = processes;
        lastEventPids = differ.eventPids();
        if (killed.isEmpty()) {
            return bodies;
        }
        List<EventBody> withKills = new ArrayList<>(bodies.size() + killed.size());
        for (EventBody body : bodies) {
            OomKillDetector.Victim victim = body instanceof ProcessExit exit ? killed.get(exit.pid()) : null;
            if (victim != null) {
                withKills.add(new OomKill(((ProcessExit) body).pid(), victim.points(), victim.freedPages()));
            }
            withKills.add(body);
        }
        return withKills;
    }

    /**
     * Samples {@code count} times, {@code interval} apart, handing every event to {@code sink}. Returns early, with
     * the thread's interrupt status set, when the thread is interrupted.
     */
    public void run(long count, Duration interval, Consumer<Event> sink) throws IOException {
        for (long taken = 0; taken < count && !Thread.currentThread().isInterrupted(); taken++) {
            long started = monotonicNanos.getAsLong();
            try {
                sample().forEach(sink);
            } catch (ClosedByInterruptException e) {
                return;
            }
            if (taken + 1 < count) {
                try {
                    TimeUnit.NANOSECONDS.sleep(interval.toNanos() - (monotonicNanos.getAsLong() - started));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public String host() {
        return stamper.host();
    }

    public String bootId() {
        return stamper.bootId();
    }

    public long samples() {
        return samples;
    }

    public long events() {
        return events;
    }

    /** Whether the host has the cgroup v2 hierarchy the collector reads cgroups from (cgroup v1 is not read). */
    public boolean cgroupV2() throws IOException {
        return procFs.cgroupV2();
    }

    /** Where the collector looks for the cgroup v2 hierarchy. */
    public Path cgroupRoot() {
        return procFs.cgroupRoot();
    }

    /** Reads skipped over all samples so far. */
    public ReadSkips skips() {
        return skips;
    }
}
