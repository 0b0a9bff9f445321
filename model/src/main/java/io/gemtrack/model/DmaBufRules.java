package io.gemtrack.model;

import static io.gemtrack.model.RuleViolation.violation;

import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;

/** The rules for dma-bufs: export from a GEM object, fds, imports as handles, release (SEMANTICS.md §2, §3). */
final class DmaBufRules {

    private DmaBufRules() {
    }

    static void export(HostState state, DmaBufExport export) {
        GemObject object = state.object(export.object());
        state.requireNewDmaBuf(export.inode());
        Process process = state.process(export.pid());
        HostState.requireFreeFd(process, export.fd());
        DmaBuf dmaBuf = state.addDmaBuf(export.inode(), object);
        state.installFd(process, export.fd(), dmaBuf);
    }

    static void installFd(HostState state, DmaBufFdInstall install) {
        Process process = state.process(install.pid());
        HostState.requireFreeFd(process, install.fd());
        state.installFd(process, install.fd(), state.dmaBuf(install.inode()));
    }

    /** The import makes a handle in a DRM file, possibly of another device, to the dma-buf's object. */
    static void importInto(HostState state, DmaBufImport imported) {
        DmaBuf dmaBuf = state.dmaBuf(imported.inode());
        DrmFile file = state.file(imported.file());
        HostState.requireFreeHandle(file, imported.handle());
        state.addHandle(file, imported.handle(), dmaBuf.object());
    }

    static void release(HostState state, DmaBufRelease release) {
        DmaBuf dmaBuf = state.dmaBuf(release.inode());
        if (!dmaBuf.unreferenced()) {
            throw violation("DmaBufRelease of dma-buf %d, which is still open at an fd", dmaBuf.inode());
        }
        state.removeDmaBuf(dmaBuf);
    }
}
