package io.gemtrack.benchmarks;

import io.gemtrack.cli.DurationConverter;
import io.gemtrack.testkit.KernelFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the collector costs on a host: {@code gemtrack collect --dry-run}, started by the launcher with the JVM options
 * it picks for {@code collect}, against a fixture host of {@code --processes} processes and {@code --fds} fds, its
 * CPU from {@code /proc/PID/stat} and its resident memory from {@code /proc/PID/status}, measured from its second
 * sample on (the first builds the snapshot and compiles the code).
 */
@Command(name = "collector-footprint", mixinStandardHelpOptions = true,
        description = {"Measure gemtrack collect: CPU per sample and resident memory against a fixture host (needs root: its"
                + " device nodes are real). Takes about --samples x --interval, plus two intervals and the JVM's start."})
public final class CollectorFootprintCommand implements Callable<Integer> {

    private static final long MIB = 1 << 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--processes", defaultValue = "1000", description = "Processes of the fixture host. Default: ${DEFAULT-VALUE}.")
    int processes;

    @Option(names = "--fds", defaultValue = "5000", description = "Fds of the fixture host in all. Default: ${DEFAULT-VALUE}.")
    int fds;

    @Option(names = "--interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "The collector's --interval. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--samples", defaultValue = "12", description = "Samples measured, after the first two. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--java-opts", description = "GEMTRACK_JAVA_OPTS for the collector. Default: the launcher's choice for collect.")
    String javaOpts;

    @Option(names = "--launcher", defaultValue = "./gemtrack", description = "The gemtrack launcher. Default: ${DEFAULT-VALUE}.")
    String launcher;

    @Option(names = "--proc", description = "Measure against this procfs (such as /proc) instead of a fixture host.")
    Path proc;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("gemtrack-collector-footprint");
        try {
            Path measured = proc != null ? proc : KernelFixtures.busyHost(dir, processes, fds).root();
            ProcessBuilder builder = new ProcessBuilder(launcher, "collect", "--dry-run", "--proc", measured.toString(),
                    "--interval", interval.toMillis() + "ms").redirectError(ProcessBuilder.Redirect.INHERIT);
            if (javaOpts != null) {
                builder.environment().put("GEMTRACK_JAVA_OPTS", javaOpts);
            }
            Process collector = builder.start();
            try {
                Measurement result = measure(collector);
                out.printf("machine: %s; load average %s%n", BenchCommand.machine(), loadAverage());
                out.printf("collector: %s%n", result.commandLine);
                out.printf("host: %s, a sample every %d ms%n", proc != null ? proc + " (" + processCount(proc) + " entries)"
                        : String.format("fixture, %,d processes, %,d fds", processes, Math.max(fds, 5 * processes)), interval.toMillis());
                double cpuMillis = result.cpuNanos / 1e6;
                out.printf("CPU: %.0f ms in %d samples over %.1f s: %.1f ms per sample, %.2f %% of one core%n", cpuMillis, samples,
                        result.wallNanos / 1e9, cpuMillis / samples, 100.0 * result.cpuNanos / result.wallNanos);
                out.printf("resident: %.1f MiB at the end, %.1f MiB at most (VmHWM)%n", result.residentBytes / (double) MIB,
                        result.peakResidentBytes / (double) MIB);
                return 0;
            } finally {
                collector.destroy();
                collector.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** The 1, 5 and 15 minute load averages: how busy the machine was, which CPU time figures depend on. */
    static String loadAverage() throws IOException {
        String[] averages = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return averages[0] + " " + averages[1] + " " + averages[2];
    }

    private static long processCount(Path proc) throws IOException {
        try (Stream<Path> entries = Files.list(proc)) {
            return entries.filter(entry -> entry.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        }
    }

    private record Measurement(String commandLine, long cpuNanos, long wallNanos, long residentBytes, long peakResidentBytes) {
    }

    /** From halfway between the second and third samples, {@code samples} intervals long. */
    private Measurement measure(Process collector) throws IOException, InterruptedException {
        CountDownLatch snapshot = new CountDownLatch(1);
        Thread drain = new Thread(() -> {
            try (BufferedReader events = new BufferedReader(new InputStreamReader(collector.getInputStream(), StandardCharsets.UTF_8))) {
                while (events.readLine() != null) {
                    snapshot.countDown();
                }
            } catch (IOException e) {
                // The collector was stopped: nothing more to read.
            }
        }, "collector-stdout");
        drain.setDaemon(true);
        drain.start();
        // The launcher builds the project first when its sources changed.
        if (!snapshot.await(10, TimeUnit.MINUTES) || !collector.isAlive()) {
            throw new IllegalStateException("the collector sent no snapshot (exit " + (collector.isAlive() ? "none" : collector.exitValue()) + ")");
        }
        Path proc = Path.of("/proc", Long.toString(collector.pid()));
        TimeUnit.MILLISECONDS.sleep(interval.toMillis() * 3 / 2);
        long startCpu = cpuNanos(proc);
        long start = System.nanoTime();
        TimeUnit.MILLISECONDS.sleep(interval.toMillis() * samples);
        long cpu = cpuNanos(proc) - startCpu;
        long wall = System.nanoTime() - start;
        String status = Files.readString(proc.resolve("status"));
        String commandLine = Files.readString(proc.resolve("cmdline")).replace('\0', ' ').strip();
        return new Measurement(commandLine, cpu, wall, statusBytes(status, "VmRSS"), statusBytes(status, "VmHWM"));
    }

    /** utime + stime of {@code /proc/PID/stat}: every thread of the process, in USER_HZ ticks. */
    private static long cpuNanos(Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the name, the state is field 3 of the line; utime is field 14, stime 15.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * CpuUse.NANOS_PER_TICK;
    }

    private static long statusBytes(String status, String key) {
        return status.lines().filter(line -> line.startsWith(key + ":")).findFirst()
                .map(line -> Long.parseLong(line.substring(key.length() + 1).replace("kB", "").strip()) * 1024)
                .orElseThrow(() -> new IllegalStateException("no " + key + " in the collector's status"));
    }
}
