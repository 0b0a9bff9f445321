package io.gemtrack.collector.procfs;

/** A process's mm counters in bytes as {@code /proc/PID/status} shows them (RssFile, RssAnon, RssShmem, VmSwap, VmPTE). */
public record MmSample(long fileBytes, long anonBytes, long shmemBytes, long swapBytes, long pageTableBytes) {
}
