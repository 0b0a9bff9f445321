package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;

/**
 * A leaking process: it allocates and pins buffer after buffer and frees none, now and then leaking the dma-buf
 * fds of an export as well, until it has leaked its fill or the GPU has no room left; then it crashes, which
 * frees everything at once, and a new instance starts leaking.
 */
final class LeakWorkload implements Workload {

    private static final String CONTAINER = Cgroups.podmanContainer("leaky-app");

    private int leaker;
    private int gpuFd;
    private long leaked;
    private long limit;

    @Override
    public void step(Machine machine) {
        Kernel kernel = machine.kernel();
        if (leaker == 0) {
            leaker = kernel.spawnInto("leaky-app", CONTAINER);
            kernel.setMemoryMax(CONTAINER, 512 * Machine.MIB);
            gpuFd = kernel.open(leaker, machine.gpu());
            leaked = 0;
            limit = machine.pagesBetween(256 * Machine.MIB, 2 * Machine.GIB);
            machine.sampleCounters(leaker);
            return;
        }
        if (machine.chance(0.3)) {
            machine.sampleCounters(leaker);
            return;
        }
        long size = machine.pagesBetween(Machine.MIB, 16 * Machine.MIB);
        Buffer buffer = kernel.create(leaker, gpuFd, machine.chance(0.5) ? "vram" : "system", size).orElseThrow();
        boolean pinned = kernel.pin(buffer.object(), size);
        if (machine.chance(0.1)) {
            // Exported again while its dma-buf lives, the object gets another fd to the same dma-buf: two leaked fds.
            for (int exports = machine.between(1, 2); exports > 0; exports--) {
                kernel.export(leaker, gpuFd, buffer.handle());
            }
        }
        leaked += size;
        if (!pinned || leaked >= limit) {
            kernel.exit(leaker);
            leaker = 0;
        }
    }
}
