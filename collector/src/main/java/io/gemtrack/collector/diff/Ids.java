package io.gemtrack.collector.diff;

import java.util.BitSet;

/**
 * New event ids. The model never lets an id come back within a boot, while the kernel reuses pids. A process
 * keeps the kernel's pid the first time that number is seen, since that is the number people look for; a
 * process that gets a pid again receives a substitute above any pid the kernel can hand out. DRM files, GEM
 * objects and dma-bufs are numbered from 1.
 */
final class Ids {

    /** PID_MAX_LIMIT of 64-bit kernels: no kernel pid is larger. */
    static final int PID_MAX_LIMIT = 4 << 20;

    private final BitSet kernelPidsUsed = new BitSet();
    private int nextSubstitutePid = PID_MAX_LIMIT + 1;
    private long nextFile = 1;
    private long nextObject = 1;
    private long nextInode = 1;

    int pid(int kernelPid) {
        if (kernelPidsUsed.get(kernelPid)) {
            return nextSubstitutePid++;
        }
        kernelPidsUsed.set(kernelPid);
        return kernelPid;
    }

    long file() {
        return nextFile++;
    }

    long object() {
        return nextObject++;
    }

    long inode() {
        return nextInode++;
    }
}
