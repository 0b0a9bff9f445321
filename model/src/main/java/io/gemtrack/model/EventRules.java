package io.gemtrack.model;

import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemStatus;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventBody;

/**
 * The rule of every event type, found by the body's type through {@link EventBody.Visitor}, so the compiler
 * rather than a lookup at run time makes sure no type lacks one. The rules themselves live with the others of
 * their domain; each checks its event in full before it changes anything.
 */
final class EventRules implements EventBody.Visitor {

    private final HostState state;

    EventRules(HostState state) {
        this.state = state;
    }

    @Override
    public void visit(HostMemory hostMemory) {
        HostRules.memory(state, hostMemory);
    }

    @Override
    public void visit(DeviceMemory deviceMemory) {
        HostRules.deviceMemory(state, deviceMemory);
    }

    @Override
    public void visit(GemStatus gemStatus) {
        GemRules.status(state, gemStatus);
    }

    @Override
    public void visit(DrmDeviceAdded drmDeviceAdded) {
        HostRules.addDevice(state, drmDeviceAdded);
    }

    @Override
    public void visit(ProcessFork processFork) {
        ProcessRules.fork(state, processFork);
    }

    @Override
    public void visit(ProcessExec processExec) {
        ProcessRules.exec(state, processExec);
    }

    @Override
    public void visit(ProcessExit processExit) {
        ProcessRules.exit(state, processExit);
    }

    @Override
    public void visit(OomScoreAdj oomScoreAdj) {
        ProcessRules.oomScoreAdj(state, oomScoreAdj);
    }

    @Override
    public void visit(MmCounters mmCounters) {
        ProcessRules.mmCounters(state, mmCounters);
    }

    @Override
    public void visit(OomKill oomKill) {
        ProcessRules.oomKill(state, oomKill);
    }

    @Override
    public void visit(DrmFileOpen drmFileOpen) {
        FileRules.open(state, drmFileOpen);
    }

    @Override
    public void visit(DrmFileClose drmFileClose) {
        FileRules.close(state, drmFileClose);
    }

    @Override
    public void visit(FdInstall fdInstall) {
        FileRules.installFd(state, fdInstall);
    }

    @Override
    public void visit(FdClose fdClose) {
        FileRules.closeFd(state, fdClose);
    }

    @Override
    public void visit(GemCreate gemCreate) {
        GemRules.create(state, gemCreate);
    }

    @Override
    public void visit(GemHandleCreate gemHandleCreate) {
        GemRules.createHandle(state, gemHandleCreate);
    }

    @Override
    public void visit(GemHandleDelete gemHandleDelete) {
        GemRules.deleteHandle(state, gemHandleDelete);
    }

    @Override
    public void visit(GemPin gemPin) {
        GemRules.pin(state, gemPin);
    }

    @Override
    public void visit(GemUnpin gemUnpin) {
        GemRules.unpin(state, gemUnpin);
    }

    @Override
    public void visit(GemMmap gemMmap) {
        GemRules.mmap(state, gemMmap);
    }

    @Override
    public void visit(GemMunmap gemMunmap) {
        GemRules.munmap(state, gemMunmap);
    }

    @Override
    public void visit(GemFree gemFree) {
        GemRules.free(state, gemFree);
    }

    @Override
    public void visit(DmaBufExport dmaBufExport) {
        DmaBufRules.export(state, dmaBufExport);
    }

    @Override
    public void visit(DmaBufFdInstall dmaBufFdInstall) {
        DmaBufRules.installFd(state, dmaBufFdInstall);
    }

    @Override
    public void visit(DmaBufImport dmaBufImport) {
        DmaBufRules.importInto(state, dmaBufImport);
    }

    @Override
    public void visit(DmaBufRelease dmaBufRelease) {
        DmaBufRules.release(state, dmaBufRelease);
    }

    @Override
    public void visit(ProcessMigrate processMigrate) {
        ProcessRules.migrate(state, processMigrate);
    }

    @Override
    public void visit(ResourceUsage resourceUsage) {
        HostRules.resourceUsage(state, resourceUsage);
    }

    @Override
    public void visit(ResourceGroupRemove resourceGroupRemove) {
        HostRules.removeCgroup(state, resourceGroupRemove);
    }

    /** A snapshot replaces the state rather than changing it: {@link HostModel} restores one in its place. */
    @Override
    public void visit(HostSnapshot hostSnapshot) {
        throw new IllegalArgumentException("a HostSnapshot replaces a host's state; it is restored, not applied");
    }
}
