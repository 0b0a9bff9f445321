package io.gemtrack.model;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** An open DRM file description: the handles it has to GEM objects and the processes with an fd to it. */
final class DrmFile implements FdTarget {

    final long id;
    final int minor;
    /** Handle to object, in no order (a snapshot sorts them): a file may hold most of a host's objects. */
    final Int2ObjectOpenHashMap<GemObject> handles = new Int2ObjectOpenHashMap<>();
    /** Processes with an fd to this file and how many fds each has. */
    final Map<Process, Integer> fdOwners = new LinkedHashMap<>();

    DrmFile(long id, int minor) {
        this.id = id;
        this.minor = minor;
    }

    @Override
    public void fdOpened(Process process) {
        fdOwners.merge(process, 1, Integer::sum);
    }

    @Override
    public void fdClosed(Process process) {
        fdOwners.computeIfPresent(process, (owner, fds) -> fds == 1 ? null : fds - 1);
    }

    @Override
    public boolean unreferenced() {
        return fdOwners.isEmpty();
    }

    @Override
    public void forEachObject(Consumer<GemObject> action) {
        handles.values().forEach(action);
    }
}
