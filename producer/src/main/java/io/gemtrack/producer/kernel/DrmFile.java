package io.gemtrack.producer.kernel;

import java.util.Map;
import java.util.TreeMap;

/** An open DRM file description: its GEM handles, and how many fds (in any process) refer to it. */
final class DrmFile implements FdTarget {

    final long id;
    final DrmDevice device;
    final Map<Integer, GemObject> handles = new TreeMap<>();
    /** Handles are never reused within a file, which keeps a stale handle from naming another object. */
    private int nextHandle = 1;
    int fds;
    boolean closed;

    DrmFile(long id, DrmDevice device) {
        this.id = id;
        this.device = device;
    }

    int addHandle(GemObject object) {
        int handle = nextHandle++;
        handles.put(handle, object);
        object.handles++;
        return handle;
    }

    @Override
    public void fdOpened() {
        fds++;
    }

    @Override
    public boolean fdClosed() {
        fds--;
        InvariantViolation.require(fds >= 0, "DRM file %d has %d fds", id, fds);
        return fds == 0;
    }
}
