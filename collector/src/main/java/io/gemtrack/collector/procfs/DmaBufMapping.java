package io.gemtrack.collector.procfs;

/**
 * A process's mappings of one dma-buf, from {@code /proc/PID/maps}: {@code count} areas (each holds a reference to
 * the buffer) reaching at most {@code extentBytes} into it (offset plus length), a lower bound of its size.
 */
public record DmaBufMapping(int count, long extentBytes) {
}
