package io.gemtrack.producer.kernel;

/**
 * A dma-buf exported from a GEM object. Its fds keep it (and through it the object) alive; as the contract
 * has it, imports do not: they are handles to the object in the importing file.
 */
final class DmaBuf implements FdTarget {

    final long inode;
    final GemObject object;
    int fds;

    DmaBuf(long inode, GemObject object) {
        this.inode = inode;
        this.object = object;
    }

    @Override
    public void fdOpened() {
        fds++;
    }

    @Override
    public boolean fdClosed() {
        fds--;
        InvariantViolation.require(fds >= 0, "dma-buf %d has %d fds", inode, fds);
        return fds == 0;
    }
}
