package io.gemtrack.aggregator.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** An open DRM file description: the handles it has to GEM objects and the processes with an fd to it. */
final class DrmFile implements FdTarget {

    final long id;
    final int minor;
    final Map<Integer, GemObject> handles = new TreeMap<>();
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
