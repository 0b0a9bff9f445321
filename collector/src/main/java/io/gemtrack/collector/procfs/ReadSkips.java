package io.gemtrack.collector.procfs;

/**
 * Reads a sample had to skip, by cause. {@code vanished}: a process or fd went away while it was read (it
 * exited, or closed the fd); {@code permissionDenied}: the kernel refused the read (another user's fds without
 * root, {@code hidepid}); {@code unreadable}: any other failure, or content this reader cannot parse.
 */
public record ReadSkips(long vanished, long permissionDenied, long unreadable) {

    public static final ReadSkips NONE = new ReadSkips(0, 0, 0);

    public ReadSkips plus(ReadSkips other) {
        return new ReadSkips(vanished + other.vanished, permissionDenied + other.permissionDenied, unreadable + other.unreadable);
    }
}
