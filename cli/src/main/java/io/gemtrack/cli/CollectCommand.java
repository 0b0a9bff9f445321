package io.gemtrack.cli;

import io.gemtrack.collector.Collector;
import io.gemtrack.collector.oom.KernelLog;
import io.gemtrack.collector.oom.KernelLogReader;
import io.gemtrack.collector.procfs.ProcFs;
import io.gemtrack.collector.procfs.ReadSkips;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.kafka.EventPublisher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InterruptException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code gemtrack collect}: samples this Linux host's procfs and emits its events to Kafka, or as JSON lines to stdout. */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = {"Sample a real Linux host (/proc: processes, mm counters, DRM and accel fdinfo, dma-bufs and their mappings;"
                + " /sys: devices) and emit its events to Kafka (or to stdout with --dry-run) until interrupted.",
                "GEM objects are not visible one by one: each DRM client's private memory in a region is reported as one object,"
                        + " each device's shared memory whose holders are unknown as another."})
public final class CollectCommand implements Callable<Integer> {

    private final StopRequest stop;

    @Spec
    CommandSpec spec;

    @Mixin
    PublishOptions kafka;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--host", description = "Host name on the events. Default: the kernel's, from PROC/sys/kernel/hostname.")
    String host;

    @Option(names = "--samples", description = "Stop after this many samples. Default: sample until interrupted.")
    Long samples;

    @Option(names = "--dry-run", description = "Print the events as JSON lines to stdout instead of sending them.")
    boolean dryRun;

    /** Samples until a stop signal (see {@link Shutdown}), if no limit comes first. */
    public CollectCommand() {
        this(Shutdown.stopRequest());
    }

    /** Samples until {@code stop} is made, if no limit comes first. */
    CollectCommand(StopRequest stop) {
        this.stop = stop;
    }

    /** Checks every option and the procfs, naming the option or the file that is wrong; {@link #call()} does so first. */
    void validate() throws IOException {
        if (samples != null && samples < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--samples must be at least 1, was " + samples);
        }
        requireProcFs();
        if (host == null) {
            hostname(sampling.procFs());
        }
    }

    @Override
    public Integer call() throws IOException {
        validate();
        ProcFs procFs = sampling.procFs();
        // The kernel log of this machine tells whom its OOM killer killed; a procfs read from elsewhere has no log here.
        Optional<KernelLogReader> kernelLog = sampling.proc.equals(Path.of("/proc"))
                ? KernelLogReader.open(Path.of("/dev/kmsg")) : Optional.empty();
        Collector collector = new Collector(procFs, host != null ? host : hostname(procFs), System::nanoTime,
                kernelLog.<Supplier<List<KernelLog.Kill>>>map(reader -> reader::drain).orElse(List::of));
        long count = samples != null ? samples : Long.MAX_VALUE;
        if (dryRun) {
            EventCodec codec = new EventCodec();
            PrintWriter out = spec.commandLine().getOut();
            try {
                runUntilStopped(collector, count, event -> {
                    out.println(codec.encodeToString(event));
                    if (out.checkError()) {
                        throw new OutputClosed();
                    }
                });
                out.flush();
                report(collector, "");
            } catch (OutputClosed e) {
                report(collector, " (stopped: stdout was closed)");
            }
            return 0;
        }
        EventPublisher publisher = kafka.openPublisher();
        try {
            runUntilStopped(collector, count, publisher::publish);
        } catch (InterruptException e) {
            // Stopped while Kafka waited for room in its buffer or for the broker.
        }
        PublishOptions.close(publisher, stop);
        report(collector, String.format(" to %s (%d sent, %d failed)", kafka.topic(), publisher.acknowledged(), publisher.failed()));
        return publisher.failed() == 0 ? 0 : 1;
    }

    /** Fails, naming {@code --proc} and the file, unless it has the boot id every kernel's procfs has. */
    private void requireProcFs() {
        Path proc = sampling.proc;
        if (!Files.isDirectory(proc)) {
            throw invalidProc(proc + " is not a directory");
        }
        Path bootId = proc.resolve(ProcFs.BOOT_ID);
        if (!Files.isReadable(bootId)) {
            throw invalidProc("cannot read " + bootId + " (is " + proc + " the root of a procfs?)");
        }
    }

    private String hostname(ProcFs procFs) throws IOException {
        try {
            return procFs.hostname();
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw invalidProc("cannot read " + sampling.proc.resolve(ProcFs.HOSTNAME) + " (--host names the host instead)");
        }
    }

    /** The file is not the usage's fault: one line naming the option, status 1 (see {@link FailureReport}). */
    private static IllegalArgumentException invalidProc(String reason) {
        return new IllegalArgumentException("--proc: " + reason);
    }

    /** Samples until {@code count} samples or a stop signal, which interrupts the sampling (see {@link StopRequest}). */
    private void runUntilStopped(Collector collector, long count, Consumer<Event> sink) throws IOException {
        try (StopRequest.Interruption interruption = stop.interruptOnRequest()) {
            collector.run(count, sampling.interval, sink);
        }
    }

    /** Ends a dry run whose reader went away (a pipe to {@code head}, say): nobody reads what comes next. */
    private static final class OutputClosed extends RuntimeException {
        OutputClosed() {
            super("stdout was closed", null, false, false);
        }
    }

    private void report(Collector collector, String destination) throws IOException {
        ReadSkips skips = collector.skips();
        String cgroups = collector.cgroupV2() ? "" : "; cgroups not reported: " + collector.cgroupRoot()
                + " has no cgroup v2 hierarchy (cgroup v1 is not supported), so every process was reported in the root cgroup";
        spec.commandLine().getErr().printf("collected %d samples of %s (boot %s): %d events%s; reads skipped: %d vanished,"
                        + " %d permission denied, %d unreadable%s%n", collector.samples(), collector.host(), collector.bootId(),
                collector.events(), destination, skips.vanished(), skips.permissionDenied(), skips.unreadable(), cgroups);
    }
}
