package io.gemtrack.testkit;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.GemUnpin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventStamper;
import java.util.List;

/**
 * The smallest story worth telling, for one host: a client renders into an 8 MiB VRAM buffer and shares it
 * with the compositor as a dma-buf; the compositor allocates a 4 MiB buffer of its own and frees it again.
 * At the end one object of 8 MiB is alive, held by both processes.
 */
public final class BasicScenario {

    public static final long SHARED_BUFFER_BYTES = 8L << 20;
    public static final long SCRATCH_BUFFER_BYTES = 4L << 20;

    private BasicScenario() {
    }

    public static List<Event> events(String host, String bootId) {
        EventStamper stamper = new EventStamper(host, bootId);
        long[] clock = {1_000_000};
        List<EventBody> bodies = List.of(
                new DrmDeviceAdded(0, "amdgpu", List.of(new Region("system", 8L << 30), new Region("vram", 4L << 30))),
                new ProcessFork(100, 1, "compositor", false),
                new ProcessFork(200, 1, "client", false),
                new DrmFileOpen(100, 3, 1, 0),
                new DrmFileOpen(200, 3, 2, 0),
                new GemCreate(1, 0, "vram", SHARED_BUFFER_BYTES, 200, 2, 1),
                new GemPin(1, SHARED_BUFFER_BYTES),
                new DmaBufExport(1, 1000, 200, 4),
                new DmaBufFdInstall(100, 4, 1000, FdOrigin.UNIX_SOCKET),
                new DmaBufImport(1000, 1, 1),
                new FdClose(100, 4),
                new GemCreate(2, 0, "system", SCRATCH_BUFFER_BYTES, 100, 1, 2),
                new GemPin(2, SCRATCH_BUFFER_BYTES),
                new MmCounters(100, 16L << 20, 32L << 20, 0, 0, 1L << 20, 0),
                new MmCounters(200, 8L << 20, 24L << 20, 0, 0, 1L << 20, 0),
                new GemUnpin(2, SCRATCH_BUFFER_BYTES),
                new GemHandleDelete(1, 2),
                new GemFree(2));
        return bodies.stream().map(body -> stamper.stamp(clock[0] += 1_000_000, body)).toList();
    }
}
