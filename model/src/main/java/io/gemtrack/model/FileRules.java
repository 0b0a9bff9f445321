package io.gemtrack.model;

import static io.gemtrack.model.RuleViolation.violation;

import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;

/** The rules for DRM files and the fds that refer to them (SEMANTICS.md §2); an fd of either kind closes here. */
final class FileRules {

    private FileRules() {
    }

    static void open(HostState state, DrmFileOpen open) {
        Process process = state.process(open.pid());
        HostState.requireFreeFd(process, open.fd());
        state.requireNewFile(open.file());
        DrmFile file = new DrmFile(open.file(), open.minor());
        state.addFile(file);
        state.installFd(process, open.fd(), file);
    }

    static void close(HostState state, DrmFileClose close) {
        DrmFile file = state.file(close.file());
        if (!file.unreferenced()) {
            throw violation("DrmFileClose of file %d, which is still open at an fd", file.id());
        }
        state.removeFile(file);
    }

    static void installFd(HostState state, FdInstall install) {
        Process process = state.process(install.pid());
        HostState.requireFreeFd(process, install.fd());
        state.installFd(process, install.fd(), state.file(install.file()));
    }

    static void closeFd(HostState state, FdClose close) {
        Process process = state.process(close.pid());
        if (!process.hasFd(close.fd())) {
            throw violation("%s has no fd %d", process, close.fd());
        }
        state.uninstallFd(process, close.fd());
    }
}
