package io.gemtrack.events;

import io.gemtrack.events.EventBody.DmaBufExport;
import io.gemtrack.events.EventBody.DmaBufFdInstall;
import io.gemtrack.events.EventBody.DmaBufImport;
import io.gemtrack.events.EventBody.DmaBufRelease;
import io.gemtrack.events.EventBody.DmemRegion;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileClose;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.FdClose;
import io.gemtrack.events.EventBody.FdInstall;
import io.gemtrack.events.EventBody.FdOrigin;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.DeviceMemory;
import io.gemtrack.events.EventBody.GemFree;
import io.gemtrack.events.EventBody.GemStatus;
import io.gemtrack.events.EventBody.GemHandleCreate;
import io.gemtrack.events.EventBody.GemHandleDelete;
import io.gemtrack.events.EventBody.GemMmap;
import io.gemtrack.events.EventBody.GemMunmap;
import io.gemtrack.events.EventBody.GemPin;
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
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.SnapshotDmaBuf;
import io.gemtrack.events.EventBody.SnapshotFd;
import io.gemtrack.events.EventBody.SnapshotFile;
import io.gemtrack.events.EventBody.SnapshotHandle;
import io.gemtrack.events.EventBody.SnapshotMapping;
import io.gemtrack.events.EventBody.SnapshotObject;
import io.gemtrack.events.EventBody.SnapshotProcess;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of valid events: one per event type, each drawing every field from its whole valid range up to
 * the schema's {@link Bounds} (edge values included), so a round-trip failure shows the exact value the codec
 * mishandles.
 */
final class EventArbitraries {

    private EventArbitraries() {
    }

    /** The generator of each event type; {@link EventCodecRoundTripTest} checks that every type has one. */
    static Map<Class<? extends EventBody>, Arbitrary<? extends EventBody>> byType() {
        Map<Class<? extends EventBody>, Arbitrary<? extends EventBody>> types = new LinkedHashMap<>();
        types.put(ProcessFork.class, Combinators.combine(pid(), parentPid(), comm(), Arbitraries.of(true, false),
                        Arbitraries.oneOf(Arbitraries.just(EventBody.PARENT_CGROUP), cgroup()))
                .as((pid, parent, comm, thread, cgroup) -> new ProcessFork(pid, parent, comm, thread,
                        thread ? EventBody.PARENT_CGROUP : cgroup)));
        types.put(ProcessExec.class, Combinators.combine(pid(), comm()).as(ProcessExec::new));
        types.put(ProcessExit.class, pid().map(ProcessExit::new));
        types.put(OomScoreAdj.class, Combinators.combine(pid(), Arbitraries.integers().between(-1000, 1000)).as(OomScoreAdj::new));
        types.put(HostMemory.class, hostMemory());
        types.put(MmCounters.class, mmCounters());
        types.put(DrmDeviceAdded.class, device());
        types.put(DrmFileOpen.class, Combinators.combine(pid(), fd(), ids(), minor()).as(DrmFileOpen::new));
        types.put(DrmFileClose.class, ids().map(DrmFileClose::new));
        types.put(FdInstall.class, Combinators.combine(pid(), fd(), ids(), origin()).as(FdInstall::new));
        types.put(FdClose.class, Combinators.combine(pid(), fd()).as(FdClose::new));
        types.put(GemCreate.class, Combinators.combine(ids(), minor(), name(), positivePages(), pid(), ids(), handle())
                .as(GemCreate::new));
        types.put(GemHandleCreate.class, Combinators.combine(ids(), handle(), ids()).as(GemHandleCreate::new));
        types.put(GemHandleDelete.class, Combinators.combine(ids(), handle()).as(GemHandleDelete::new));
        types.put(GemPin.class, Combinators.combine(ids(), positivePages()).as(GemPin::new));
        types.put(GemUnpin.class, Combinators.combine(ids(), positivePages()).as(GemUnpin::new));
        types.put(GemMmap.class, Combinators.combine(pid(), ids()).as(GemMmap::new));
        types.put(GemMunmap.class, Combinators.combine(pid(), ids()).as(GemMunmap::new));
        types.put(GemStatus.class, Combinators.combine(ids(), pages(), pages(), pages()).as(GemStatus::new));
        types.put(DeviceMemory.class, deviceMemory());
        types.put(GemFree.class, ids().map(GemFree::new));
        types.put(DmaBufExport.class, Combinators.combine(ids(), ids(), pid(), fd()).as(DmaBufExport::new));
        types.put(DmaBufFdInstall.class, Combinators.combine(pid(), fd(), ids(), origin()).as(DmaBufFdInstall::new));
        types.put(DmaBufImport.class, Combinators.combine(ids(), ids(), handle()).as(DmaBufImport::new));
        types.put(DmaBufRelease.class, ids().map(DmaBufRelease::new));
        types.put(OomKill.class, Combinators.combine(pid(),
                        Arbitraries.longs().between(-Bounds.MAX_OOM_PAGES, Bounds.MAX_OOM_PAGES),
                        Arbitraries.longs().between(0, Bounds.MAX_OOM_PAGES))
                .as(OomKill::new));
        types.put(HostSnapshot.class, snapshot());
        types.put(ProcessMigrate.class, Combinators.combine(pid(), cgroup()).as(ProcessMigrate::new));
        types.put(ResourceUsage.class, resourceUsage());
        types.put(ResourceGroupRemove.class, cgroup().map(ResourceGroupRemove::new));
        return types;
    }

    static Arbitrary<EventBody> anyBody() {
        return Arbitraries.oneOf(List.copyOf(byType().values()));
    }

    static Arbitrary<Event> anyEvent() {
        return Combinators.combine(host(), text(Bounds.MAX_BOOT_ID_BYTES), Arbitraries.longs().between(0, Bounds.MAX_SEQ),
                Arbitraries.longs().between(0, Bounds.MAX_TS), anyBody()).as(Event::new);
    }

    private static Arbitrary<Integer> pid() {
        return Arbitraries.integers().between(1, Bounds.MAX_PID);
    }

    /** 0 is a parent the host does not know (the kernel's idle task), which the schema allows. */
    private static Arbitrary<Integer> parentPid() {
        return Arbitraries.integers().between(0, Bounds.MAX_PID);
    }

    private static Arbitrary<Integer> fd() {
        return Arbitraries.integers().greaterOrEqual(0);
    }

    private static Arbitrary<Integer> handle() {
        return Arbitraries.integers().greaterOrEqual(1);
    }

    private static Arbitrary<Integer> minor() {
        return Arbitraries.integers().greaterOrEqual(0);
    }

    private static Arbitrary<Long> ids() {
        return Arbitraries.longs().between(1, Bounds.MAX_ID);
    }

    private static Arbitrary<String> comm() {
        return text(Bounds.MAX_COMM_BYTES);
    }

    /** A driver or region name. */
    private static Arbitrary<String> name() {
        return text(Bounds.MAX_NAME_BYTES);
    }

    /** Any non-blank text of at most {@code maxBytes} bytes of UTF-8. */
    private static Arbitrary<String> text(int maxBytes) {
        return text(codePoint(), maxBytes);
    }

    /** Text without the '/' and control characters a host name may not have. */
    private static Arbitrary<String> host() {
        return text(codePoint().filter(c -> c != '/' && !Character.isISOControl(c)), Bounds.MAX_HOST_BYTES);
    }

    /**
     * Code points of every width in UTF-8: ASCII (quotes, backslashes and control characters among them) most often,
     * then letters of two and three bytes, then those beyond the BMP, which are surrogate pairs in Java.
     */
    private static Arbitrary<Integer> codePoint() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 0x7F)),
                Tuple.of(1, Arbitraries.integers().between(0x80, Character.MIN_SURROGATE - 1)),
                Tuple.of(1, Arbitraries.integers().between(Character.MAX_SURROGATE + 1, Character.MAX_VALUE)),
                Tuple.of(1, Arbitraries.integers().between(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT)));
    }

    /** As many of the code points as fit in {@code maxBytes}, so that long draws reach the bound exactly. */
    private static Arbitrary<String> text(Arbitrary<Integer> codePoints, int maxBytes) {
        return codePoints.list().ofMinSize(1).ofMaxSize(maxBytes).map(drawn -> {
            StringBuilder text = new StringBuilder();
            int bytes = 0;
            for (int codePoint : drawn) {
                bytes += Character.toString(codePoint).getBytes(StandardCharsets.UTF_8).length;
                if (bytes > maxBytes) {
                    break;
                }
                text.appendCodePoint(codePoint);
            }
            return text.toString();
        }).filter(text -> !text.isBlank());
    }

    /** A cgroup v2 path: the root, or up to four names of any text but '/' and control characters, never '.' or '..'. */
    static Arbitrary<String> cgroup() {
        Arbitrary<String> name = text(codePoint().filter(c -> c != '/' && !Character.isISOControl(c)), Bounds.MAX_CGROUP_NAME_BYTES)
                .filter(text -> !text.equals(".") && !text.equals(".."));
        return name.list().ofMaxSize(4).map(names -> "/" + String.join("/", names));
    }

    /** A limit: whole pages, or none. */
    private static Arbitrary<Long> limit() {
        return Arbitraries.oneOf(Arbitraries.just(EventBody.NO_LIMIT), pages());
    }

    private static Arbitrary<ResourceUsage> resourceUsage() {
        Arbitrary<DmemRegion> dmem = Combinators.combine(minor(), name(), pages(), limit()).as(DmemRegion::new);
        return Combinators.combine(cgroup(), pages(), limit(), dmem.list().ofMaxSize(2)).as(ResourceUsage::new);
    }

    private static Arbitrary<Long> pages() {
        return Arbitraries.longs().between(0, Bounds.MAX_PAGES).map(n -> n * EventBody.PAGE_SIZE);
    }

    private static Arbitrary<Long> positivePages() {
        return pages().filter(bytes -> bytes > 0);
    }

    private static Arbitrary<FdOrigin> origin() {
        return Arbitraries.of(FdOrigin.class);
    }

    private static Arbitrary<HostMemory> hostMemory() {
        return Combinators.combine(positivePages(), pages(), pages(), pages()).as(HostMemory::new);
    }

    private static Arbitrary<MmCounters> mmCounters() {
        return Combinators.combine(pid(), pages(), pages(), pages(), pages(), pages(),
                        Arbitraries.longs().between(-Bounds.MAX_PAGES, Bounds.MAX_PAGES))
                .as(MmCounters::new);
    }

    private static Arbitrary<DrmDeviceAdded> device() {
        Arbitrary<Region> region = Combinators.combine(name(), positivePages()).as(Region::new);
        return Combinators.combine(minor(), name(), region.list().ofMinSize(1).ofMaxSize(3)).as(DrmDeviceAdded::new);
    }

    private static Arbitrary<DeviceMemory> deviceMemory() {
        return Combinators.combine(minor(), name(), pages()).as(DeviceMemory::new);
    }

    /** {@code percent} % of {@code size}, in whole pages. */
    private static long percent(long size, int percent) {
        return size / EventBody.PAGE_SIZE * percent / 100 * EventBody.PAGE_SIZE;
    }

    private static Arbitrary<HostSnapshot> snapshot() {
        Arbitrary<SnapshotFd> fileFd = Combinators.combine(fd(), ids()).as((fd, file) -> new SnapshotFd(fd, file, 0));
        Arbitrary<SnapshotFd> dmaBufFd = Combinators.combine(fd(), ids()).as((fd, inode) -> new SnapshotFd(fd, 0, inode));
        Arbitrary<SnapshotMapping> mapping = Combinators.combine(ids(), Arbitraries.integers().between(1, Bounds.MAX_MAPPINGS))
                .as(SnapshotMapping::new);
        Arbitrary<SnapshotProcess> process = Combinators.combine(pid(), parentPid(), comm(), pid().list().ofMaxSize(3),
                        Arbitraries.integers().between(-1000, 1000), mmCounters(),
                        Arbitraries.oneOf(fileFd, dmaBufFd).list().ofMaxSize(3), mapping.list().ofMaxSize(2))
                .as(SnapshotProcess::new)
                .flatMap(drawn -> cgroup().map(cgroup -> new SnapshotProcess(drawn.pid(), drawn.parentPid(), drawn.comm(),
                        drawn.threads(), drawn.oomScoreAdj(), drawn.counters(), drawn.fds(), drawn.mappings(), cgroup)));
        Arbitrary<SnapshotFile> file = Combinators.combine(ids(), minor(),
                Combinators.combine(handle(), ids()).as(SnapshotHandle::new).list().ofMaxSize(3)).as(SnapshotFile::new);
        Arbitrary<SnapshotObject> object = Combinators.combine(ids(), minor(), name(), positivePages(), pid(),
                        Arbitraries.of(true, false), Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 100))
                .as((id, minor, region, size, creator, alive, residentPercent, statusPercent) -> new SnapshotObject(id, minor,
                        region, size, creator, alive, percent(size, residentPercent), percent(size, statusPercent),
                        percent(size, 100 - statusPercent), percent(size, statusPercent / 2)));
        Arbitrary<SnapshotDmaBuf> dmaBuf = Combinators.combine(ids(), ids()).as(SnapshotDmaBuf::new);
        return Combinators.combine(hostMemory(), device().list().ofMaxSize(2), process.list().ofMaxSize(3),
                file.list().ofMaxSize(3), object.list().ofMaxSize(3), dmaBuf.list().ofMaxSize(2), deviceMemory().list().ofMaxSize(2),
                resourceUsage().list().ofMaxSize(2))
                .as(HostSnapshot::new);
    }
}
