package io.gemtrack.collector.diff;

/** A process as the kernel names it: the start time tells a reused pid from the process that had it before. */
record ProcessKey(int pid, long startTime) {
}
