package io.gemtrack.dashboards;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventStamper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Hosts built to make the memory alerts' expressions true: a renderer creates a 2 GiB buffer and shares it with
 * a compositor that has much more anonymous memory of its own.
 */
final class AlertScenarios {

    static final int COMPOSITOR = 100;
    static final int RENDERER = 200;
    private static final long GIB = 1L << 30;
    private static final long PAGE = EventBody.PAGE_SIZE;

    private AlertScenarios() {
    }

    /**
     * GemOomVictimMismatch: the rfc policy charges the renderer the whole buffer, so the OOM killer picks it, yet
     * killing it frees little (the compositor keeps the buffer) while killing the compositor frees 1 GiB.
     */
    static List<Event> wrongVictim(String host) {
        return stamp(host, sharedBuffer());
    }

    /**
     * GemUnaccountedMemoryHigh: the renderer exits, the compositor keeps the buffer alive, and the RFC charges its
     * 2 GiB to no one.
     */
    static List<Event> orphanedBuffer(String host) {
        List<EventBody> bodies = new ArrayList<>(sharedBuffer());
        bodies.add(new ProcessExit(RENDERER));
        return stamp(host, bodies);
    }

    /**
     * GemDeviceMemoryUnattributed: the device counts 6 GiB of its VRAM as used while the only live object, the
     * shared buffer, holds 2 GiB: 4 GiB no process accounts for.
     */
    static List<Event> unattributedDeviceMemory(String host) {
        List<EventBody> bodies = new ArrayList<>(sharedBuffer());
        bodies.add(new DeviceMemory(0, "vram", 6 * GIB));
        return stamp(host, bodies);
    }

    /**
     * GemCgroupNearMemoryMax, on a host of the basic scenario: its client moves into a container whose memory.max is
     * 48 MiB and whose memory.current is 40 MiB (83 %), while the proportional policy charges it half the 8 MiB buffer
     * it shares with the compositor: 44 MiB with GPU memory (92 %).
     */
    static List<Event> containerNearMemoryMax(String host, String bootId, long firstSeq) {
        EventStamper stamper = new EventStamper(host, bootId, firstSeq);
        return Stream.of(new ProcessMigrate(200, CONTAINER),
                        new ResourceUsage(CONTAINER, 40L << 20, 48L << 20, List.of(new DmemRegion(0, "vram", 8L << 20, EventBody.NO_LIMIT))))
                .map(body -> stamper.stamp(60_000_000 + stamper.nextSeq(), body))
                .toList();
    }

    static final String CONTAINER = "/system.slice/docker-" + "0123456789abcdef".repeat(4) + ".scope";

    /**
     * GemOomKillFreedFarLessThanBest, after {@link #wrongVictim}: the kernel kills the renderer, whose buffer the
     * compositor keeps, so the kill frees its 64 MiB while killing the compositor would have freed 1 GiB.
     */
    static List<Event> wrongKill(String host) {
        EventStamper stamper = new EventStamper(host, "boot-1", sharedBuffer().size());
        List<EventBody> bodies = List.of(new OomKill(RENDERER, 2 * GIB / PAGE, (64L << 20) / PAGE + 1), new ProcessExit(RENDERER));
        return bodies.stream().map(body -> stamper.stamp(1_000_000 * (stamper.nextSeq() + 1), body)).toList();
    }

    private static List<EventBody> sharedBuffer() {
        return List.of(
                new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 16 * GIB))),
                new ProcessFork(COMPOSITOR, 1, "compositor", false),
                new ProcessFork(RENDERER, 1, "renderer", false),
                new DrmFileOpen(COMPOSITOR, 3, 1, 0),
                new DrmFileOpen(RENDERER, 3, 2, 0),
                new GemCreate(1, 0, "vram", 2 * GIB, RENDERER, 2, 1),
                new GemPin(1, 2 * GIB),
                new DmaBufExport(1, 1000, RENDERER, 4),
                new DmaBufFdInstall(COMPOSITOR, 4, 1000, FdOrigin.UNIX_SOCKET),
                new DmaBufImport(1000, 1, 1),
                new FdClose(COMPOSITOR, 4),
                new MmCounters(COMPOSITOR, 0, GIB, 0, 0, PAGE, 0),
                new MmCounters(RENDERER, 0, 64L << 20, 0, 0, PAGE, 2 * GIB / PAGE));
    }

    private static List<Event> stamp(String host, List<EventBody> bodies) {
        EventStamper stamper = new EventStamper(host, "boot-1");
        return bodies.stream().map(body -> stamper.stamp(1_000_000 * (stamper.nextSeq() + 1), body)).toList();
    }
}
