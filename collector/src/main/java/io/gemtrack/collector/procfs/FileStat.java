package io.gemtrack.collector.procfs;

/**
 * What stat(2) says of a file, links followed. Of {@code /proc/PID/fd/N} that is the open file itself, wherever and
 * under whatever name it was opened: a DRM node bind-mounted into a container at another path still has its major.
 */
record FileStat(boolean characterDevice, int major, int minor, long inode) {

    /** The type bits of st_mode, and their value for a character device (S_IFMT, S_IFCHR). */
    private static final int TYPE_MASK = 0170000;
    private static final int CHARACTER_DEVICE = 0020000;

    /** From st_mode, st_rdev (as glibc encodes a dev_t) and st_ino. */
    static FileStat of(int mode, long rdev, long inode) {
        int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
        int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
        return new FileStat((mode & TYPE_MASK) == CHARACTER_DEVICE, major, minor, inode);
    }
}
