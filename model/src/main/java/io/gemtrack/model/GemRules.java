package io.gemtrack.model;

import static io.gemtrack.model.RuleViolation.violation;

import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;

/** The rules for GEM objects: their handles, resident pages and mappings, from creation to free (SEMANTICS.md §3). */
final class GemRules {

    private GemRules() {
    }

    static void create(HostState state, GemCreate create) {
        state.requireNewObject(create.object());
        Process creator = state.process(create.creatorPid());
        DrmFile file = state.file(create.file());
        HostState.requireFreeHandle(file, create.handle());
        long resident = GemObject.isCma(create.region()) ? create.sizeBytes() : 0;
        GemObject object = state.addObject(create.object(), create.minor(), create.region(), create.sizeBytes(), creator.mm(),
                resident);
        state.addHandle(file, create.handle(), object);
    }

    static void createHandle(HostState state, GemHandleCreate create) {
        DrmFile file = state.file(create.file());
        HostState.requireFreeHandle(file, create.handle());
        state.addHandle(file, create.handle(), state.object(create.object()));
    }

    static void deleteHandle(HostState state, GemHandleDelete delete) {
        DrmFile file = state.file(delete.file());
        GemObject object = file.handle(delete.handle());
        if (object == null) {
            throw violation("file %d has no handle %d", file.id(), delete.handle());
        }
        state.deleteHandle(file, delete.handle(), object);
    }

    static void pin(HostState state, GemPin pin) {
        GemObject object = pinnable(state, pin.object());
        if (object.residentBytes() + pin.bytes() > object.sizeBytes()) {
            throw violation("GemPin of %d bytes would make %s resident beyond its %d bytes",
                    pin.bytes(), object, object.sizeBytes());
        }
        state.changeResident(object, pin.bytes());
    }

    static void unpin(HostState state, GemUnpin unpin) {
        GemObject object = pinnable(state, unpin.object());
        if (object.residentBytes() < unpin.bytes()) {
            throw violation("GemUnpin of %d bytes, but %s has only %d resident", unpin.bytes(), object, object.residentBytes());
        }
        state.changeResident(object, -unpin.bytes());
    }

    private static GemObject pinnable(HostState state, long id) {
        GemObject object = state.object(id);
        if (object.isCma()) {
            throw violation("%s is CMA memory, resident in full from creation; it cannot be pinned or unpinned", object);
        }
        return object;
    }

    static void mmap(HostState state, GemMmap mmap) {
        Process process = state.process(mmap.pid());
        state.map(process, state.object(mmap.object()), 1);
    }

    static void munmap(HostState state, GemMunmap munmap) {
        Process process = state.process(munmap.pid());
        GemObject object = state.object(munmap.object());
        int count = process.mm().mappingsOf(object);
        if (count <= 0) {
            throw violation("%s has no mapping of %s", process, object);
        }
        state.unmapOnce(process, object, count);
    }

    static void free(HostState state, GemFree free) {
        GemObject object = state.object(free.object());
        if (object.referenced()) {
            throw violation("GemFree of %s, which still has %d handles, %d dma-bufs and %d mappings",
                    object, object.handles(), object.dmaBufs(), object.mappings());
        }
        state.removeObject(object);
    }
}
