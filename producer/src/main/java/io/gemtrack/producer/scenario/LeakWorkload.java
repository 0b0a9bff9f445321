package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;

/**
 * A leaking process beside a large cache: the leaker allocates and pins buffer after buffer, mostly in system
 * memory on both GPUs, and frees none, now and then leaking the dma-buf fds of an export as well (and handing one
 * to the cache, which keeps it), until it has leaked its fill (half the host's RAM to one and a half times it) or
 * a GPU has no room left; then it crashes, which frees everything at once, and a new instance starts leaking. The
 * cache holds a quarter to three quarters of RAM in anonymous memory, so the two together run the host out of
 * memory, and the OOM killer must choose between the process that is big to {@code rss} and the one whose buffers
 * it does not see.
 */
final class LeakWorkload implements Workload {

    private static final String CONTAINER = Cgroups.podmanContainer("leaky-app");

    private int cache;
    private int leaker;
    private int gpuFd;
    private int npuFd;
    private long leaked;
    private long limit;

    @Override
    public void step(Machine machine) {
        Kernel kernel = machine.kernel();
        long ram = machine.memTotalBytes();
        if (cache == 0) {
            cache = kernel.spawn("cache-server");
            kernel.sampleCounters(cache, machine.pagesBetween(16 * Machine.MIB, 64 * Machine.MIB),
                    machine.pagesBetween(ram / 4, ram * 3 / 4), 0, 0, machine.pagesBetween(ram / 1024, ram / 512));
            return;
        }
        if (leaker == 0) {
            leaker = kernel.spawnInto("leaky-app", CONTAINER);
            kernel.setMemoryMax(CONTAINER, 512 * Machine.MIB);
            gpuFd = kernel.open(leaker, machine.gpu());
            npuFd = kernel.open(leaker, machine.npu());
            leaked = 0;
            limit = machine.pagesBetween(ram / 2, ram * 3 / 2);
            machine.sampleCounters(leaker);
            return;
        }
        if (machine.chance(0.3)) {
            machine.sampleCounters(machine.chance(0.8) ? leaker : cache);
            return;
        }
        long size = machine.pagesBetween(ram / 512, ram / 128);
        double where = machine.roll();
        // A third of it on the embedded GPU, whose system region is half the discrete one's: both fill at about the same time.
        int fd = where < 0.3 ? npuFd : gpuFd;
        Buffer buffer = kernel.create(leaker, fd, where < 0.9 ? "system" : "vram", size).orElseThrow();
        boolean pinned = kernel.pin(buffer.object(), size);
        if (machine.chance(0.1)) {
            // Exported again while its dma-buf lives, the object gets another fd to the same dma-buf: two leaked fds.
            int dmaBufFd = 0;
            for (int exports = machine.between(1, 2); exports > 0; exports--) {
                dmaBufFd = kernel.export(leaker, fd, buffer.handle());
            }
            if (machine.chance(0.5)) {
                kernel.send(leaker, dmaBufFd, cache);
            }
        }
        leaked += size;
        if (!pinned || leaked >= limit) {
            kernel.exit(leaker);
            leaker = 0;
        }
    }
}
