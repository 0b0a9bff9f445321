package io.gemtrack.collector.diff;

import io.gemtrack.events.EventBody.SnapshotFd;

/** What an fd refers to, by event id: exactly one of a DRM {@code file} and a dma-buf {@code inode} is non-zero. */
record FdTarget(long file, long inode) {

    static FdTarget drmFile(long file) {
        return new FdTarget(file, 0);
    }

    static FdTarget dmaBuf(long inode) {
        return new FdTarget(0, inode);
    }

    boolean isDrmFile() {
        return file != 0;
    }

    SnapshotFd at(int fd) {
        return new SnapshotFd(fd, file, inode);
    }
}
