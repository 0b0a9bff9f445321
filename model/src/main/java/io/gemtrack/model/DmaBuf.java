package io.gemtrack.model;

import java.util.function.Consumer;

/** A live dma-buf exported from a GEM object. Its fds hold the object; its imports are handles in DRM files. */
final class DmaBuf implements FdTarget {

    private final long inode;
    private final GemObject object;
    private int fds;

    DmaBuf(long inode, GemObject object) {
        this.inode = inode;
        this.object = object;
    }

    long inode() {
        return inode;
    }

    GemObject object() {
        return object;
    }

    @Override
    public void fdOpened(Process process) {
        fds++;
    }

    @Override
    public void fdClosed(Process process) {
        fds--;
    }

    @Override
    public boolean unreferenced() {
        return fds == 0;
    }

    @Override
    public void forEachObject(Consumer<GemObject> action) {
        action.accept(object);
    }
}
