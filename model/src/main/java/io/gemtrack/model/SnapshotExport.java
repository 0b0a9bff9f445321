package io.gemtrack.model;

import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.policy.RegionUsage;
import io.gemtrack.policy.StatusFigure;
import it.unimi.dsi.fastutil.ints.Int2ObjectMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A whole {@link HostState} as the {@link HostSnapshot} a host would send, every list in id order whatever order
 * the state's tables keep, so equal states give equal snapshots. The inverse of {@link SnapshotRestore}.
 */
final class SnapshotExport {

    private SnapshotExport() {
    }

    /** The snapshot of {@code state}, with {@code memory} as its memory. */
    static HostSnapshot export(HostState state, HostMemory memory) {
        List<SnapshotProcess> processes = new ArrayList<>(state.processes.size());
        for (Process process : state.processes.values()) {
            processes.add(process(process));
        }
        List<SnapshotFile> files = new ArrayList<>(state.files.size());
        for (DrmFile file : inIdOrder(state.files)) {
            files.add(new SnapshotFile(file.id(), file.minor(), handles(file.handles())));
        }
        List<SnapshotObject> objects = new ArrayList<>(state.objects.size());
        List<GemObject> objectsInIdOrder = new ArrayList<>(state.objects);
        objectsInIdOrder.sort(Comparator.comparingLong(GemObject::id));
        for (GemObject object : objectsInIdOrder) {
            objects.add(new SnapshotObject(object.id(), object.minor(), object.regionName(), object.sizeBytes(),
                    object.creatorPid(), object.creatorMmAlive(), object.residentBytes(), object.statusBytes(StatusFigure.purgeable),
                    object.statusBytes(StatusFigure.active), object.statusBytes(StatusFigure.evicted)));
        }
        List<SnapshotDmaBuf> dmaBufs = new ArrayList<>(state.dmaBufs.size());
        inIdOrder(state.dmaBufs).forEach(dmaBuf -> dmaBufs.add(new SnapshotDmaBuf(dmaBuf.inode(), dmaBuf.object().id())));
        List<DeviceMemory> deviceMemory = new ArrayList<>();
        for (RegionUsage region : state.ledger.regions()) {
            if (region.deviceReported()) {
                deviceMemory.add(new DeviceMemory(region.minor(), region.name(), region.deviceUsedBytes()));
            }
        }
        return new HostSnapshot(memory, List.copyOf(state.devices.values()), processes, files, objects, dmaBufs, deviceMemory,
                List.copyOf(state.resourceUsage.values()));
    }

    private static SnapshotProcess process(Process process) {
        List<SnapshotFd> fds = new ArrayList<>(process.fds().size());
        process.fds().forEach((fd, target) -> fds.add(target instanceof DrmFile file
                ? new SnapshotFd(fd, file.id(), 0) : new SnapshotFd(fd, 0, ((DmaBuf) target).inode())));
        List<SnapshotMapping> mappings = new ArrayList<>(process.mm().mappings().size());
        process.mm().forEachMapping((object, count) -> mappings.add(new SnapshotMapping(object.id(), count)));
        mappings.sort(Comparator.comparingLong(SnapshotMapping::object));
        return new SnapshotProcess(process.pid(), process.parentPid(), process.comm(), List.copyOf(process.threads()),
                process.oomScoreAdj(), process.counters(), fds, mappings, process.cgroup());
    }

    private static List<SnapshotHandle> handles(Int2ObjectMap<GemObject> handles) {
        int[] handleNumbers = handles.keySet().toIntArray();
        Arrays.sort(handleNumbers);
        List<SnapshotHandle> inOrder = new ArrayList<>(handleNumbers.length);
        for (int handle : handleNumbers) {
            inOrder.add(new SnapshotHandle(handle, handles.get(handle).id()));
        }
        return inOrder;
    }

    /** The values of {@code map} in ascending key order: the order of a snapshot, whatever order the map keeps. */
    private static <T> List<T> inIdOrder(Long2ObjectMap<T> map) {
        long[] ids = map.keySet().toLongArray();
        Arrays.sort(ids);
        List<T> values = new ArrayList<>(ids.length);
        for (long id : ids) {
            values.add(map.get(id));
        }
        return values;
    }
}
