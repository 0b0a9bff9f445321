package io.gemtrack.model;

import static io.gemtrack.model.RuleViolation.violation;

import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import java.util.HashMap;
import java.util.Map;

/**
 * The state a {@link HostSnapshot} describes, built with the same checks and steps as the events, in an order
 * where everything exists before something refers to it. The inverse of {@link SnapshotExport}.
 */
final class SnapshotRestore {

    private SnapshotRestore() {
    }

    /** Throws {@link RuleViolation} if the snapshot is inconsistent; the half-built state is then dropped. */
    static HostState restore(HostSnapshot snapshot, Runnable counterMismatch) {
        HostState state = new HostState(counterMismatch);
        state.setMemory(snapshot.memory());
        snapshot.devices().forEach(device -> HostRules.addDevice(state, device));
        for (SnapshotProcess restored : snapshot.processes()) {
            state.requireNewTask(restored.pid());
            Process process = state.addProcess(restored.pid(), restored.parentPid(), restored.comm(), restored.oomScoreAdj(),
                    restored.counters(), restored.cgroup());
            for (int thread : restored.threads()) {
                state.requireNewTask(thread);
                state.addThread(process, thread);
            }
        }
        for (SnapshotFile restored : snapshot.files()) {
            state.requireNewFile(restored.file());
            state.addFile(new DrmFile(restored.file(), restored.minor()));
        }
        snapshot.deviceMemory().forEach(state::deviceUsed);
        for (ResourceUsage usage : snapshot.cgroups()) {
            if (state.resourceUsage.containsKey(usage.cgroup())) {
                throw violation("cgroup %s is sampled twice", usage.cgroup());
            }
            state.sampleResources(usage);
        }
        Map<Integer, Mm> deadMms = new HashMap<>();
        snapshot.objects().forEach(restored -> restoreObject(state, restored, deadMms));
        for (SnapshotDmaBuf restored : snapshot.dmaBufs()) {
            state.requireNewDmaBuf(restored.inode());
            state.addDmaBuf(restored.inode(), state.object(restored.object()));
        }
        for (SnapshotFile restored : snapshot.files()) {
            DrmFile file = state.files.get(restored.file());
            for (SnapshotHandle handle : restored.handles()) {
                HostState.requireFreeHandle(file, handle.handle());
                state.addHandle(file, handle.handle(), state.object(handle.object()));
            }
        }
        for (SnapshotProcess restored : snapshot.processes()) {
            Process process = state.processes.get(restored.pid());
            for (SnapshotFd fd : restored.fds()) {
                HostState.requireFreeFd(process, fd.fd());
                state.installFd(process, fd.fd(), fd.file() != 0 ? state.file(fd.file()) : state.dmaBuf(fd.inode()));
            }
            for (SnapshotMapping mapping : restored.mappings()) {
                GemObject object = state.object(mapping.object());
                HostState.requireRoomForMappings(process, object, mapping.count());
                state.map(process, object, mapping.count());
            }
        }
        return state;
    }

    /**
     * @param deadMms the dead creator mms restored so far, by pid: one per pid rather than one per object, as
     *                nothing tells two dead mms of a pid apart
     */
    private static void restoreObject(HostState state, SnapshotObject restored, Map<Integer, Mm> deadMms) {
        state.requireNewObject(restored.object());
        Mm creatorMm = restored.creatorMmAlive() ? state.process(restored.creatorPid()).mm()
                : deadMms.computeIfAbsent(restored.creatorPid(), Mm::dead);
        if (GemObject.isCma(restored.region()) && restored.residentBytes() != restored.sizeBytes()) {
            throw violation("CMA object %d must be resident in full", restored.object());
        }
        state.requireDeclaredRegion(restored.minor(), restored.region());
        state.requireCapacity(restored.minor(), restored.region(), restored.residentBytes());
        GemObject object = state.addObject(restored.object(), restored.minor(), restored.region(), restored.sizeBytes(),
                creatorMm, restored.residentBytes());
        state.changeStatus(object, restored.purgeableBytes(), restored.activeBytes(), restored.evictedBytes());
    }
}
