package io.gemtrack.model;

import static io.gemtrack.model.HostScript.MIB;
import static io.gemtrack.model.HostScript.PAGE;

import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.OomScoreAdj;
import io.gemtrack.events.EventBody.ProcessExec;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import io.gemtrack.events.EventBody;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SEMANTICS.md §8, last rule: an event that breaks a rule is rejected with a reason and changes nothing. */
class RejectedEventTest {

    /**
     * Compositor 100 (thread 101, fd 3: file 1) and client 200 (fd 3: file 2, fd 4: dma-buf 1000) share pinned
     * object 1 (4 of 8 MiB resident), which the compositor imported as handle 1 and maps once; client's
     * object 2 is CMA.
     */
    private static HostScript richHost() {
        return HostScript.withGpu().apply(
                new ProcessFork(100, 1, "compositor", false),
                new ProcessFork(101, 100, "worker", true),
                new ProcessFork(200, 1, "client", false),
                new DrmFileOpen(100, 3, 1, 0),
                new DrmFileOpen(200, 3, 2, 0),
                new GemCreate(1, 0, "vram", 8 * MIB, 200, 2, 1),
                new GemPin(1, 4 * MIB),
                new DmaBufExport(1, 1000, 200, 4),
                new DmaBufImport(1000, 1, 1),
                new GemMmap(100, 1),
                new GemCreate(2, 0, "cma", MIB, 200, 2, 2),
                new MmCounters(200, 0, MIB, 0, 0, 0, 4096));
    }

    static Stream<Arguments> invalidEvents() {
        return Stream.of(
                invalid("fork of an existing pid", new ProcessFork(200, 1, "again", false), "pid 200 already exists"),
                invalid("fork of a thread of an existing task", new ProcessFork(101, 100, "again", true), "pid 101 already exists"),
                invalid("thread of an unknown parent", new ProcessFork(300, 999, "worker", true), "unknown pid 999"),
                invalid("exec of an unknown pid", new ProcessExec(999, "x"), "unknown pid 999"),
                invalid("exit of an unknown pid", new ProcessExit(999), "unknown pid 999"),
                invalid("oom_score_adj of an unknown pid", new OomScoreAdj(999, 0), "unknown pid 999"),
                invalid("counters of an unknown pid", new MmCounters(999, 0, 0, 0, 0, 0, 0), "unknown pid 999"),
                invalid("device added twice", new DrmDeviceAdded(0, "i915", List.of(new Region("system", MIB))), "minor 0 already exists"),
                invalid("open by an unknown pid", new DrmFileOpen(999, 5, 9, 0), "unknown pid 999"),
                invalid("open at an fd in use", new DrmFileOpen(100, 3, 9, 0), "fd 3 of process 100"),
                invalid("open of an existing file", new DrmFileOpen(100, 5, 2, 0), "DRM file 2 already exists"),
                invalid("close of an unknown file", new DrmFileClose(9), "unknown DRM file 9"),
                invalid("close of a file still at an fd", new DrmFileClose(2), "still open"),
                invalid("fd install of an unknown file", new FdInstall(100, 5, 9, FdOrigin.DUP), "unknown DRM file 9"),
                invalid("fd install at an fd in use", new FdInstall(200, 4, 1, FdOrigin.DUP), "fd 4 of process 200"),
                invalid("fd close of a closed fd", new FdClose(100, 9), "has no fd 9"),
                invalid("create of an existing object", new GemCreate(1, 0, "vram", MIB, 200, 2, 7), "object 1 already exists"),
                invalid("create by an unknown pid", new GemCreate(9, 0, "vram", MIB, 999, 2, 7), "unknown pid 999"),
                invalid("create in an unknown file", new GemCreate(9, 0, "vram", MIB, 200, 9, 7), "unknown DRM file 9"),
                invalid("create at a handle in use", new GemCreate(9, 0, "vram", MIB, 200, 2, 1), "handle 1 of file 2"),
                invalid("handle to an unknown object", new GemHandleCreate(2, 7, 9), "unknown object 9"),
                invalid("handle in use", new GemHandleCreate(1, 1, 1), "handle 1 of file 1"),
                invalid("delete of an unknown handle", new GemHandleDelete(1, 7), "file 1 has no handle 7"),
                invalid("pin beyond the size", new GemPin(1, 4 * MIB + PAGE), "beyond"),
                invalid("unpin below zero", new GemUnpin(1, 4 * MIB + PAGE), "only"),
                invalid("pin of an unknown object", new GemPin(9, PAGE), "unknown object 9"),
                invalid("pin of a CMA object", new GemPin(2, PAGE), "CMA"),
                invalid("mmap of an unknown object", new GemMmap(100, 9), "unknown object 9"),
                invalid("munmap without a mapping", new GemMunmap(200, 1), "no mapping"),
                invalid("free of a referenced object", new GemFree(1), "still has"),
                invalid("free of an unknown object", new GemFree(9), "unknown object 9"),
                invalid("export as an existing inode", new DmaBufExport(2, 1000, 200, 5), "dma-buf 1000 already exists"),
                invalid("export at an fd in use", new DmaBufExport(2, 1001, 200, 4), "fd 4 of process 200"),
                invalid("fd install of an unknown dma-buf", new DmaBufFdInstall(100, 5, 9, FdOrigin.UNIX_SOCKET), "unknown dma-buf 9"),
                invalid("import of an unknown dma-buf", new DmaBufImport(9, 1, 5), "unknown dma-buf 9"),
                invalid("import at a handle in use", new DmaBufImport(1000, 1, 1), "handle 1 of file 1"),
                invalid("release of a dma-buf still at an fd", new DmaBufRelease(1000), "still open"),
                invalid("oom kill of an unknown pid", new OomKill(999, 10, 10), "unknown pid 999"),
                invalid("create on a device the host never declared", new GemCreate(9, 1, "vram", MIB, 200, 2, 7),
                        "no DRM device minor 1 was declared"),
                invalid("create in a region the device never declared", new GemCreate(9, 0, "gtt", MIB, 200, 2, 7),
                        "minor 0 (amdgpu) declared no region gtt"),
                invalid("CMA create beyond the region's capacity", new GemCreate(9, 0, "cma", 256 * MIB, 200, 2, 7),
                        "would exceed the 268435456 bytes of region cma"),
                invalid("device declaring a region twice", new DrmDeviceAdded(1, "i915",
                        List.of(new Region("system", MIB), new Region("system", 2 * MIB))), "declares region system twice"),
                invalid("snapshot with an object in an undeclared region", new HostSnapshot(HostScript.MEMORY, List.of(HostScript.GPU),
                        List.of(), List.of(), List.of(new SnapshotObject(1, 0, "gtt", MIB, 100, false, 0)), List.of(), List.of()),
                        "declared no region gtt"),
                invalid("snapshot with more resident than a region holds", new HostSnapshot(HostScript.MEMORY, List.of(HostScript.GPU),
                        List.of(), List.of(), List.of(new SnapshotObject(1, 0, "cma", 512 * MIB, 100, false, 512 * MIB)), List.of(), List.of()),
                        "would exceed the 268435456 bytes of region cma"),
                invalid("snapshot with an fd to an unknown file", new HostSnapshot(HostScript.MEMORY, List.of(), List.of(
                        new SnapshotProcess(100, 1, "x", List.of(), 0, new MmCounters(100, 0, 0, 0, 0, 0, 0),
                                List.of(new SnapshotFd(3, 9, 0)), List.of())), List.of(), List.of(), List.of(), List.of()),
                        "unknown DRM file 9"));
    }

    private static Arguments invalid(String name, EventBody event, String reason) {
        return Arguments.of(name, event, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void isRejectedAndLeavesTheModelExactlyAsItWas(String name, EventBody event, String reason) {
        richHost().assertRejected(event, reason);
    }

    /** A device declared late cannot contradict the objects already live: the host could not be checkpointed then. */
    @Test
    void deviceDeclaredLateMustCoverTheObjectsAlreadyLive() {
        HostScript host = new HostScript().apply(new ProcessFork(100, 1, "app", false), new DrmFileOpen(100, 3, 1, 0),
                new GemCreate(1, 0, "vram", 8 * MIB, 100, 1, 1), new GemPin(1, 8 * MIB), new GemCreate(2, 1, "gtt", MIB, 100, 1, 2));

        host.assertRejected(new DrmDeviceAdded(0, "amdgpu", List.of(new Region("system", MIB))),
                "minor 0 is declared while 1 objects live in region vram of minor 0");
        host.assertRejected(new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 4 * MIB))),
                "declares region vram of 4194304 bytes, which already holds 8388608 resident");
        host.assertRejected(new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 8 * MIB))),
                "while 1 objects live in region gtt of minor 1");
        host.apply(new GemHandleDelete(1, 2), new GemFree(2), new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 8 * MIB))));
    }

    /** Case 7 of the issue: more bytes pinned than a region's capacity were accepted. */
    @Test
    void pinBeyondTheRegionsCapacityIsRejected() {
        HostScript host = richHost().apply(new GemCreate(3, 0, "vram", 4L << 30, 200, 2, 3), new GemPin(3, (4L << 30) - 4 * MIB));

        host.assertRejected(new GemPin(3, PAGE), "4096 more resident bytes would exceed the 4294967296 bytes of region vram");
    }
}
