package io.gemtrack.testkit;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventStamper;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A large host of a simple shape, built either by events or as one snapshot: {@code processes} processes, each
 * with a DRM file holding {@code objectsPerProcess} pinned 64 KiB buffers it created, and mm counters of
 * different sizes so OOM rankings have a clear order. The objects are numbered 1 to {@link #objects()}.
 */
public record BusyHost(int processes, int objectsPerProcess) {

    public static final String NAME = "host-busy";
    public static final String BOOT = "boot-1";
    private static final long OBJECT_BYTES = 64L << 10;
    private static final HostMemory MEMORY = new HostMemory(256L << 30, 0);
    private static final DrmDeviceAdded DEVICE = new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 1L << 40)));

    public long objects() {
        return (long) processes * objectsPerProcess;
    }

    /** Hands the host's events, in order, to {@code sink}: made one at a time, since a large host has millions. */
    public void events(Consumer<Event> sink) {
        EventStamper stamper = new EventStamper(NAME, BOOT);
        Consumer<EventBody> stamped = body -> sink.accept(stamper.stamp(stamper.nextSeq(), body));
        stamped.accept(MEMORY);
        stamped.accept(DEVICE);
        for (int process = 1; process <= processes; process++) {
            int pid = pid(process);
            stamped.accept(new ProcessFork(pid, 1, "worker", false));
            stamped.accept(new DrmFileOpen(pid, 3, process, 0));
            for (int handle = 1; handle <= objectsPerProcess; handle++) {
                long object = object(process, handle);
                stamped.accept(new GemCreate(object, 0, "vram", OBJECT_BYTES, pid, process, handle));
                stamped.accept(new GemPin(object, OBJECT_BYTES));
            }
            stamped.accept(counters(process));
        }
    }

    /** The heap still in use after full collections: what live data holds, as far as a JVM can say. */
    public static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The same state as {@link #events}, as the one event a resynchronising host sends. */
    public HostSnapshot snapshot() {
        List<SnapshotProcess> snapshotProcesses = new ArrayList<>(processes);
        List<SnapshotFile> files = new ArrayList<>(processes);
        List<SnapshotObject> objects = new ArrayList<>((int) objects());
        for (int process = 1; process <= processes; process++) {
            int pid = pid(process);
            snapshotProcesses.add(new SnapshotProcess(pid, 1, "worker", List.of(), 0, counters(process),
                    List.of(new SnapshotFd(3, process, 0)), List.of()));
            List<SnapshotHandle> handles = new ArrayList<>(objectsPerProcess);
            for (int handle = 1; handle <= objectsPerProcess; handle++) {
                long object = object(process, handle);
                handles.add(new SnapshotHandle(handle, object));
                objects.add(new SnapshotObject(object, 0, "vram", OBJECT_BYTES, pid, true, OBJECT_BYTES));
            }
            files.add(new SnapshotFile(process, 0, handles));
        }
        return new HostSnapshot(MEMORY, List.of(DEVICE), snapshotProcesses, files, objects, List.of(), List.of());
    }

    private static int pid(int process) {
        return 1_000 + process;
    }

    private long object(int process, int handle) {
        return (long) (process - 1) * objectsPerProcess + handle;
    }

    private static MmCounters counters(int process) {
        return new MmCounters(pid(process), 0, (long) process << 12, 0, 0, 1L << 12, 0);
    }
}
