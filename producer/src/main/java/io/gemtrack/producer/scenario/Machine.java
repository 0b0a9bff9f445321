package io.gemtrack.producer.scenario;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.producer.kernel.Kernel;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The host the workloads run on: its kernel, its three DRM devices and its dice. Every host has the same kinds
 * of device, so that scenarios compose: a discrete GPU ({@code amdgpu}: system and VRAM), an embedded GPU
 * ({@code etnaviv}, the RFC's pin-accounted driver: system memory) and a display controller using the CMA
 * helpers ({@code vc4}: CMA, accounted at creation). Sizes vary from host to host. The discrete GPU reports its
 * own use of its regions and its objects' status, as amdgpu does through sysfs and fdinfo.
 */
public final class Machine {

    public static final long PAGE = EventBody.PAGE_SIZE;
    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;

    private final Kernel kernel;
    private final RandomGenerator random;
    private final long memTotalBytes;
    private final int gpu;
    private final int npu;
    private final int display;

    private Machine(Kernel kernel, RandomGenerator random, long memTotalBytes, int gpu, int npu, int display) {
        this.kernel = kernel;
        this.random = random;
        this.memTotalBytes = memTotalBytes;
        this.gpu = gpu;
        this.npu = npu;
        this.display = display;
    }

    /** Reports the host's memory and adds its devices: the first events of a boot. */
    public static Machine boot(Kernel kernel, RandomGenerator random) {
        long memTotal = pick(random, List.of(8 * GIB, 16 * GIB, 32 * GIB, 64 * GIB));
        // What the GPU drivers hold of system memory, in use and pooled, as /proc/meminfo would say.
        kernel.reportMemory(memTotal, pick(random, List.of(0L, 2 * GIB, 8 * GIB)), memTotal / 128, memTotal / 512);
        int gpu = kernel.addDevice("amdgpu", List.of(new Region("system", memTotal / 2),
                new Region("vram", pick(random, List.of(4 * GIB, 8 * GIB, 16 * GIB)))), true);
        int npu = kernel.addDevice("etnaviv", List.of(new Region("system", memTotal / 4)), false);
        int display = kernel.addDevice("vc4", List.of(new Region("cma", 512 * MIB)), false);
        return new Machine(kernel, random, memTotal, gpu, npu, display);
    }

    public Kernel kernel() {
        return kernel;
    }

    /** The host's RAM. */
    public long memTotalBytes() {
        return memTotalBytes;
    }

    /** Minor of the discrete GPU: regions {@code system} and {@code vram}. */
    public int gpu() {
        return gpu;
    }

    /** Minor of the etnaviv GPU: region {@code system}. */
    public int npu() {
        return npu;
    }

    /** Minor of the CMA display controller: region {@code cma}. */
    public int display() {
        return display;
    }

    /** Uniform in [0, 1): workloads choose their next action by comparing it with cumulative thresholds. */
    public double roll() {
        return random.nextDouble();
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    /** Uniform in [low, high]. */
    public int between(int low, int high) {
        return random.nextInt(low, high + 1);
    }

    /** A whole number of pages, uniform in [low, high] (both rounded down to pages; may be negative). */
    public long pagesBetween(long low, long high) {
        return random.nextLong(Math.floorDiv(low, PAGE), Math.floorDiv(high, PAGE) + 1) * PAGE;
    }

    /** {@code bytes} rounded up to whole pages. */
    public static long pages(long bytes) {
        return (bytes + PAGE - 1) / PAGE * PAGE;
    }

    public <T> T pick(List<T> choices) {
        return pick(random, choices);
    }

    private static <T> T pick(RandomGenerator random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /**
     * Samples the mm counters of {@code pid} as they move: a first sample of a fresh mm starts from a plausible
     * footprint, later ones wander from the last (anon and file by a few MiB, swap now and then).
     */
    public void sampleCounters(int pid) {
        MmCounters last = kernel.counters(pid);
        if (last.fileBytes() == 0 && last.anonBytes() == 0) {
            kernel.sampleCounters(pid, pagesBetween(4 * MIB, 64 * MIB), pagesBetween(16 * MIB, 256 * MIB),
                    pagesBetween(0, 16 * MIB), 0, pagesBetween(64 * KIB, MIB));
            return;
        }
        kernel.sampleCounters(pid, wander(last.fileBytes(), 4 * MIB), wander(last.anonBytes(), 8 * MIB),
                wander(last.shmemBytes(), MIB), chance(0.1) ? wander(last.swapBytes(), 16 * MIB) : last.swapBytes(),
                wander(last.pageTableBytes(), 64 * KIB));
    }

    private long wander(long bytes, long step) {
        return Math.max(0, bytes + pagesBetween(-step, step));
    }
}
