package io.gemtrack.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU spent between two moments: by the whole machine (the broker, gemtrack, anything else), by this JVM, and by
 * this JVM's collector. On a machine whose cores are all busy, a rate alone does not say whether the work or the
 * machine set it; these do.
 *
 * @param machineCoresBusy how many cores the machine kept busy on average, or NaN without Linux's {@code /proc/stat}
 * @param processCores     how many of them this JVM used
 * @param processCpuNanos  this JVM's CPU time, collector included
 * @param gcMillis         time this JVM's collectors report for the collections in between
 */
record CpuUse(double machineCoresBusy, double processCores, long processCpuNanos, long gcMillis) {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** {@code USER_HZ}, the unit of {@code /proc/stat}: 100 per second on every Linux architecture. */
    static final long NANOS_PER_TICK = 10_000_000;
    /**
     * Columns of {@code /proc/stat}'s {@code cpu} line that are work done on this machine: user, nice, system, irq,
     * softirq. Not idle, iowait, or steal (time the hypervisor gave another machine).
     */
    private static final int[] BUSY_COLUMNS = {1, 2, 3, 6, 7};

    /** This JVM's CPU time per event, for {@code events} events handled in the time measured. */
    double processCpuMicrosPer(long events) {
        return processCpuNanos / 1_000.0 / events;
    }

    /** The counters at one moment; {@link #until} gives the use between two. */
    record Reading(long wallNanos, long machineBusyNanos, long processCpuNanos, long gcMillis) {

        static Reading now() {
            long gcMillis = ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(GarbageCollectorMXBean::getCollectionTime).filter(time -> time > 0).sum();
            return new Reading(System.nanoTime(), readMachineBusyNanos(), readProcessCpuNanos(), gcMillis);
        }

        CpuUse until(Reading end) {
            double wall = end.wallNanos - wallNanos;
            double machine = machineBusyNanos < 0 || end.machineBusyNanos < 0 ? Double.NaN
                    : (end.machineBusyNanos - machineBusyNanos) / wall;
            long process = end.processCpuNanos - processCpuNanos;
            return new CpuUse(machine, process / wall, process, end.gcMillis - gcMillis);
        }
    }

    private static long readProcessCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Busy nanoseconds of all cores since boot, or -1 where there is no {@code /proc/stat}. */
    private static long readMachineBusyNanos() {
        try {
            String[] columns = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long busyTicks = 0;
            for (int column : BUSY_COLUMNS) {
                busyTicks += Long.parseLong(columns[column]);
            }
            return busyTicks * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
