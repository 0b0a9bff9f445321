package io.gemtrack.model;

import it.unimi.dsi.fastutil.ints.Int2ObjectMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectMaps;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** An open DRM file description: the handles it has to GEM objects and the processes with an fd to it. */
final class DrmFile implements FdTarget {

    private final long id;
    private final int minor;
    /** Handle to object, in no order (a snapshot sorts them): a file may hold most of a host's objects, or none. */
    private final Int2ObjectOpenHashMap<GemObject> handles = new Int2ObjectOpenHashMap<>(0);
    /** Processes with an fd to this file and how many fds each has. */
    private final Map<Process, Integer> fdOwners = new LinkedHashMap<>();

    DrmFile(long id, int minor) {
        this.id = id;
        this.minor = minor;
    }

    long id() {
        return id;
    }

    int minor() {
        return minor;
    }

    boolean hasHandle(int handle) {
        return handles.containsKey(handle);
    }

    /** The object {@code handle} refers to, or {@code null}. */
    GemObject handle(int handle) {
        return handles.get(handle);
    }

    void addHandle(int handle, GemObject object) {
        handles.put(handle, object);
    }

    void removeHandle(int handle) {
        handles.remove(handle);
    }

    /** Handle to object, for reading. */
    Int2ObjectMap<GemObject> handles() {
        return Int2ObjectMaps.unmodifiable(handles);
    }

    /** Each process with an fd to this file, with how many fds it has. */
    void forEachFdOwner(BiConsumer<Process, Integer> action) {
        fdOwners.forEach(action);
    }

    /** The processes with an fd to this file and how many fds each has, for reading. */
    Map<Process, Integer> fdOwners() {
        return Collections.unmodifiableMap(fdOwners);
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
