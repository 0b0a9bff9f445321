package io.gemtrack.collector.procfs;

import io.gemtrack.collector.procfs.OpenFd.DeviceNode;
import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads processes, their mm counters, DRM clients and dma-bufs from a procfs tree, and what sysfs says of the
 * devices. The roots are parameters so the same code reads {@code /proc} and {@code /sys} and the fixture trees
 * of the tests.
 *
 * <p>A live host changes while it is read. A process that exits mid-read, or whose files the kernel refuses,
 * is left out of the sample and counted in {@link ReadSkips}; an fd likewise. Only a failure to read the host
 * itself ({@code meminfo}, {@code devices}, the process list) fails the sample.
 *
 * <p>{@code maps} is the largest file a process has, so it is read only where a dma-buf mapping can be: in processes
 * that hold a DRM client or a dma-buf fd, that mapped a dma-buf when last read, or whose parent did (fork copies
 * mappings); every {@value #FULL_MAPS_SCAN_EVERY}th sample, the first included, reads every process's. A process
 * that maps a dma-buf and closes its fd between two samples is seen at the next of those. Not thread-safe.
 */
public final class ProcFs {

    private static final Pattern PID = Pattern.compile("[1-9][0-9]{0,8}");
    /** How the dmabuf file system names a buffer's file, in fd links and in {@code maps}: {@code /dmabuf:NAME}. */
    private static final String DMA_BUF_FILE = "/dmabuf:";
    private static final Set<String> MEMINFO_KEYS = Set.of("MemTotal", "SwapTotal", "GPUActive", "GPUReclaim");
    /** amdgpu's device attributes of what it uses in a region (amdgpu_vram_mgr.c, amdgpu_gtt_mgr.c), by region. */
    private static final Map<String, String> USED_ATTRIBUTES = Map.of("vram", "mem_info_vram_used", "gtt", "mem_info_gtt_used");
    /** The dmem cgroup controller's use per region, of the root cgroup: everything charged (kernel/cgroup/dmem.c). */
    static final String DMEM_CURRENT = "fs/cgroup/dmem.current";
    /** The cgroup v2 mount, relative to sysfs; a v1 or hybrid host has no {@code cgroup.controllers} there. */
    private static final String CGROUP_ROOT = "fs/cgroup";
    private static final String CGROUP_CONTROLLERS = CGROUP_ROOT + "/cgroup.controllers";
    /** The line of {@code /proc/PID/cgroup} for the unified hierarchy: hierarchy 0, no controllers named. */
    private static final String UNIFIED_LINE = "0::";
    /** What a cgroup file's limit says when there is none. */
    private static final String MAX = "max";
    /** How the DRM core names a device's dmem regions: drm/UNIQUE/REGION (drm_drv.c, drmm_cgroup_register_region). */
    private static final String DMEM_DRM_PREFIX = "drm/";
    private static final Set<String> STATUS_KEYS = Set.of("Name", "PPid", "RssFile", "RssAnon", "RssShmem", "VmSwap", "VmPTE");
    /** The kernel's PF_KTHREAD task flag: a kernel thread has no mm and no fds of its own. */
    private static final long KERNEL_THREAD_FLAG = 0x00200000;
    /** prctl(PR_SET_NAME) can empty a process's name; the event schema needs one. */
    private static final String UNNAMED = "?";

    /** Every this many samples, every process's maps and status are read, whatever the last sample saw. */
    static final int FULL_MAPS_SCAN_EVERY = 12;

    /** The file with the kernel's id of the current boot, relative to the root. */
    public static final String BOOT_ID = "sys/kernel/random/boot_id";
    /** The file with the kernel's host name, relative to the root. */
    public static final String HOSTNAME = "sys/kernel/hostname";

    private final Path root;
    private final Path sys;
    private final ProcFiles files;
    private long samplesTaken;
    /** The processes that mapped a dma-buf in the last sample: pid to start time. */
    private Map<Integer, Long> dmaBufMappers = Map.of();
    /**
     * What stat(2) found at each fd that links to a path in the last sample. While an fd keeps its link it is the same
     * open file, so it is not stat'ed again: most fds (logs, sockets' peers, /dev/null) stay open for the process's life.
     */
    private Map<PathFd, Optional<DeviceNode>> pathFds = Map.of();
    /**
     * What {@code status} said of each process in the last sample, with the {@code stat} line read with it. A process
     * whose stat line is the same has not run since (its CPU times, faults and last CPU are in it) and has the same
     * name, parent and memory counters: reclaim that takes its pages changes its {@code rss} in stat too.
     */
    private Map<Integer, StatusRead> statuses = Map.of();

    private record StatusRead(String stat, String name, int parentPid, MmSample memory) {
    }

    /** An fd of a process, named as the kernel names them (a pid the kernel reuses has another start time). */
    private record HeldFd(int pid, long startTime, int fd) {
    }

    private record PathFd(HeldFd fd, String target) {
    }

    /** A device as its clients name it (see {@link DrmClient}). */
    private record DeviceName(String driver, String device) {
    }

    /** The procfs at {@code root} and the sysfs beside it ({@code /proc}: {@code /sys}). */
    public ProcFs(Path root) {
        this(root, root.resolveSibling("sys"));
    }

    public ProcFs(Path root, Path sys) {
        this(root, sys, ProcFiles.DEFAULT);
    }

    ProcFs(Path root, ProcFiles files) {
        this(root, root.resolveSibling("sys"), files);
    }

    ProcFs(Path root, Path sys, ProcFiles files) {
        this.root = root;
        this.sys = sys;
        this.files = files;
    }

    /** The kernel's id of the current boot. */
    public String bootId() throws IOException {
        return text(root.resolve(BOOT_ID)).strip();
    }

    public String hostname() throws IOException {
        return text(root.resolve(HOSTNAME)).strip();
    }

    /**
     * Whether the host mounts the cgroup v2 hierarchy where sysfs has it ({@code fs/cgroup/cgroup.controllers}); on a
     * cgroup v1 host, which the collector does not read, every process is reported in the root cgroup.
     */
    public boolean cgroupV2() throws IOException {
        return optionalText(sys.resolve(CGROUP_CONTROLLERS)).isPresent();
    }

    /** Where the collector looks for the cgroup v2 hierarchy. */
    public Path cgroupRoot() {
        return sys.resolve(CGROUP_ROOT);
    }

    /**
     * The kernel's count of OOM kills since boot ({@code oom_kill} of {@code /proc/vmstat}, kernels 4.13 and later);
     * empty where it has none or it cannot be read.
     */
    public OptionalLong oomKills() {
        try {
            for (String line : text(root.resolve("vmstat")).split("\n")) {
                if (line.startsWith("oom_kill ")) {
                    return OptionalLong.of(Long.parseLong(line.substring("oom_kill ".length()).strip()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Counted as not there: kills are then told by the kernel log alone.
        }
        return OptionalLong.empty();
    }

    public HostSample sample() throws IOException {
        KeyValues meminfo = keyValues(root.resolve("meminfo"), MEMINFO_KEYS);
        Path devices = root.resolve("devices");
        Nodes nodes = new Nodes(DeviceMajors.parse(devices, text(devices)));
        SkipCounter skips = new SkipCounter();
        boolean everyMaps = samplesTaken++ % FULL_MAPS_SCAN_EVERY == 0;
        boolean cgroupV2 = cgroupV2();
        Map<Integer, Long> mappers = new HashMap<>();
        List<ProcessSample> processes = new ArrayList<>();
        for (String name : files.list(root)) {
            if (PID.matcher(name).matches()) {
                try {
                    Optional<ProcessSample> process = readProcess(root.resolve(name), nodes, everyMaps, cgroupV2, skips);
                    process.ifPresent(processes::add);
                    process.filter(read -> !read.dmaBufMappings().isEmpty()).ifPresent(read -> mappers.put(read.pid(), read.startTime()));
                } catch (IOException e) {
                    skips.skip(e);
                }
            }
        }
        dmaBufMappers = mappers;
        pathFds = nodes.pathFds;
        statuses = nodes.statuses;
        processes.sort(Comparator.comparingLong(ProcessSample::startTime).thenComparingInt(ProcessSample::pid));
        Cgroups cgroups = cgroupV2 ? cgroups(processes, skips) : Cgroups.NONE;
        return new HostSample(meminfo.requiredBytes("MemTotal"), meminfo.bytesOrZero("SwapTotal"), meminfo.bytesOrZero("GPUActive"),
                meminfo.bytesOrZero("GPUReclaim"), processes, deviceUse(nodes.clientDevices.values(), skips), cgroups, skips.total());
    }

    /**
     * On a cgroup v2 host, the memory files of every cgroup the sample's processes are in or beneath, but the root (which
     * has none of them); a cgroup whose {@code memory.current} cannot be read (the memory controller is not enabled
     * there, or it was removed mid-read) is left out, a figure that does not parse counted as a skipped read. On a
     * cgroup v1 host, nothing.
     */
    private Cgroups cgroups(List<ProcessSample> processes, SkipCounter skips) throws IOException {
        SortedMap<String, Boolean> paths = new TreeMap<>();
        for (ProcessSample process : processes) {
            for (String path = process.cgroup(); path != null && !path.equals("/"); path = parentCgroup(path)) {
                paths.put(path, true);
            }
        }
        List<CgroupUsage> usage = new ArrayList<>();
        for (String path : paths.keySet()) {
            Path dir = sys.resolve(CGROUP_ROOT + path);
            Optional<String> current = optionalText(dir.resolve("memory.current"));
            if (current.isEmpty()) {
                continue;
            }
            try {
                long max = limit(dir.resolve("memory.max"), optionalText(dir.resolve("memory.max")).orElse(MAX).strip());
                usage.add(new CgroupUsage(path, parseLong(dir.resolve("memory.current"), current.get().strip()), max,
                        dmem(dir, skips)));
            } catch (MalformedProcFileException e) {
                skips.skip(e);
            }
        }
        return new Cgroups(true, usage);
    }

    /** {@code dmem.current} and {@code dmem.max} of a cgroup by device and region; a region {@code dmem.max} lacks has none. */
    private SortedMap<String, SortedMap<String, CgroupUsage.Dmem>> dmem(Path dir, SkipCounter skips) throws IOException {
        Map<String, Map<String, String>> current = dmemLines(dir.resolve("dmem.current"));
        Map<String, Map<String, String>> max = dmemLines(dir.resolve("dmem.max"));
        SortedMap<String, SortedMap<String, CgroupUsage.Dmem>> byDevice = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> device : current.entrySet()) {
            for (Map.Entry<String, String> region : device.getValue().entrySet()) {
                try {
                    long limit = limit(dir.resolve("dmem.max"),
                            max.getOrDefault(device.getKey(), Map.of()).getOrDefault(region.getKey(), MAX));
                    byDevice.computeIfAbsent(device.getKey(), name -> new TreeMap<>()).put(region.getKey(),
                            new CgroupUsage.Dmem(parseLong(dir.resolve("dmem.current"), region.getValue()), limit));
                } catch (MalformedProcFileException e) {
                    skips.skip(e);
                }
            }
        }
        return byDevice;
    }

    /** The {@code drm/DEVICE/REGION VALUE} lines of a dmem file, by device and region; other subsystems' are left out. */
    private Map<String, Map<String, String>> dmemLines(Path file) throws IOException {
        Map<String, Map<String, String>> byDevice = new HashMap<>();
        for (String line : optionalText(file).orElse("").split("\n")) {
            String[] fields = line.strip().split("\\s+");
            int slash = fields[0].lastIndexOf('/');
            if (fields.length == 2 && fields[0].startsWith(DMEM_DRM_PREFIX) && slash > DMEM_DRM_PREFIX.length()) {
                byDevice.computeIfAbsent(fields[0].substring(DMEM_DRM_PREFIX.length(), slash), device -> new HashMap<>())
                        .put(fields[0].substring(slash + 1), fields[1]);
            }
        }
        return byDevice;
    }

    private static long limit(Path file, String value) throws MalformedProcFileException {
        return value.equals(MAX) ? CgroupUsage.NO_LIMIT : parseLong(file, value);
    }

    private static String parentCgroup(String path) {
        int slash = path.lastIndexOf('/');
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    /**
     * The cgroup v2 path of {@code /proc/PID/cgroup}: its {@code 0::PATH} line (on a hybrid host, beside the v1
     * hierarchies' lines). {@code null} without one (a cgroup v1 host), and for a path the schema cannot name: one
     * outside the reader's cgroup namespace ({@code /..}), or of a cgroup removed under a dying process
     * ({@code (deleted)}).
     */
    static String cgroupPath(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith(UNIFIED_LINE)) {
                String path = line.substring(UNIFIED_LINE.length());
                boolean nameable = path.startsWith("/") && (path.equals("/") || !path.endsWith("/")) && !path.contains("//")
                        && !path.contains("/../") && !path.endsWith("/..") && !path.contains("/./") && !path.endsWith("/.")
                        && !path.endsWith(" (deleted)") && path.chars().noneMatch(Character::isISOControl);
                return nameable ? path : null;
            }
        }
        return null;
    }

    /**
     * What the devices the sample's clients are on count as used, per region: amdgpu's sysfs attributes where the
     * device has them, else the root cgroup's {@code dmem.current} for the regions the DRM core registered for it.
     * A device no client shows is not read: events name devices by the nodes their clients open. A figure that is
     * not a number is left out and counted as a skipped read.
     */
    private List<DeviceUse> deviceUse(Collection<DrmClient> devices, SkipCounter skips) throws IOException {
        List<DeviceUse> use = new ArrayList<>();
        Map<String, Map<String, Long>> dmem = devices.isEmpty() ? Map.of() : dmemCurrent(skips);
        for (DrmClient device : devices) {
            Map<String, Long> regions = new TreeMap<>();
            Path sysfsDevice = sys.resolve("dev/char").resolve(device.node().major() + ":" + device.node().minor()).resolve("device");
            for (Map.Entry<String, String> attribute : USED_ATTRIBUTES.entrySet()) {
                Path file = sysfsDevice.resolve(attribute.getValue());
                Optional<String> text = optionalText(file);
                if (text.isPresent()) {
                    try {
                        regions.put(attribute.getKey(), parseLong(file, text.get().strip()));
                    } catch (MalformedProcFileException e) {
                        skips.skip(e);
                    }
                }
            }
            dmem.getOrDefault(device.device(), Map.of()).forEach(regions::putIfAbsent);
            regions.forEach((region, bytes) -> use.add(new DeviceUse(device.driver(), device.device(), device.node(), region, bytes)));
        }
        return use;
    }

    /**
     * {@code dmem.current} of the root cgroup by device and region, a "REGION BYTES" line each; empty without the
     * controller. Regions other subsystems register (not {@code drm/}) are left out.
     */
    private Map<String, Map<String, Long>> dmemCurrent(SkipCounter skips) throws IOException {
        Path file = sys.resolve(DMEM_CURRENT);
        Map<String, Map<String, Long>> byDevice = new HashMap<>();
        for (String line : optionalText(file).orElse("").split("\n")) {
            String[] fields = line.strip().split("\\s+");
            int slash = fields[0].lastIndexOf('/');
            if (fields.length == 2 && fields[0].startsWith(DMEM_DRM_PREFIX) && slash > DMEM_DRM_PREFIX.length()) {
                try {
                    byDevice.computeIfAbsent(fields[0].substring(DMEM_DRM_PREFIX.length(), slash), device -> new TreeMap<>())
                            .put(fields[0].substring(slash + 1), parseLong(file, fields[1]));
                } catch (MalformedProcFileException e) {
                    skips.skip(e);
                }
            }
        }
        return byDevice;
    }

    /**
     * The file's text, or empty when it does not exist or cannot be read (sysfs attributes of other drivers, no dmem);
     * an interrupted read ends the sample.
     */
    private Optional<String> optionalText(Path file) throws ClosedByInterruptException {
        try {
            return Optional.of(text(file));
        } catch (ClosedByInterruptException e) {
            throw e;
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Empty for a kernel thread or a zombie: neither has an mm or fds left to report. Its cgroup is read on a cgroup v2
     * host only.
     */
    private Optional<ProcessSample> readProcess(Path dir, Nodes nodes, boolean everyMaps, boolean cgroupV2, SkipCounter skips)
            throws IOException {
        String statLine = text(dir.resolve("stat"));
        Stat stat = Stat.parse(dir.resolve("stat"), statLine);
        if ((stat.flags() & KERNEL_THREAD_FLAG) != 0 || stat.state() == 'Z' || stat.state() == 'X') {
            return Optional.empty();
        }
        int pid = Integer.parseInt(dir.getFileName().toString());
        StatusRead status = statuses.get(pid);
        if (everyMaps || status == null || !status.stat().equals(statLine)) {
            status = readStatus(dir, statLine);
        }
        nodes.statuses.put(pid, status);
        MmSample memory = status.memory();
        int parentPid = status.parentPid();
        Path oomScoreAdj = dir.resolve("oom_score_adj");
        int oom = parseInt(oomScoreAdj, text(oomScoreAdj).strip());
        SortedMap<Integer, OpenFd> fds = readFds(dir, pid, stat.startTime(), nodes, skips);
        boolean mayMap = everyMaps || !fds.isEmpty() || Long.valueOf(stat.startTime()).equals(dmaBufMappers.get(pid))
                || dmaBufMappers.containsKey(parentPid);
        return Optional.of(new ProcessSample(pid, stat.startTime(), parentPid, status.name(), oom, memory,
                fds, mayMap ? readDmaBufMappings(dir, skips) : new TreeMap<>(),
                cgroupV2 ? optionalText(dir.resolve("cgroup")).map(ProcFs::cgroupPath).orElse(null) : null));
    }

    private StatusRead readStatus(Path dir, String statLine) throws IOException {
        KeyValues status = keyValues(dir.resolve("status"), STATUS_KEYS);
        MmSample memory = new MmSample(status.bytesOrZero("RssFile"), status.bytesOrZero("RssAnon"),
                status.bytesOrZero("RssShmem"), status.bytesOrZero("VmSwap"), status.bytesOrZero("VmPTE"));
        return new StatusRead(statLine, status.text("Name").orElse(UNNAMED), (int) status.requiredLong("PPid"), memory);
    }

    /**
     * The dma-bufs the process maps, from the {@code /dmabuf:} lines of {@code maps} (the dmabuf file system's name
     * for a buffer's file), whose inode field is the buffer's. {@code maps} needs the same access right as the fds: a
     * refusal is counted and the process reported without mappings. Kernels whose dma-bufs are anonymous inodes
     * ({@code anon_inode:dmabuf}) give every buffer one inode, so their mappings cannot name a buffer and are left out.
     */
    private SortedMap<Long, DmaBufMapping> readDmaBufMappings(Path dir, SkipCounter skips) throws IOException {
        Path maps = dir.resolve("maps");
        String text;
        try {
            // Only the /dmabuf: lines' numbers are read, which are ASCII: no need to decode UTF-8.
            text = files.read(maps, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            if (ReadFailure.of(e) != ReadFailure.PERMISSION_DENIED) {
                throw e;
            }
            skips.skip(e);
            return new TreeMap<>();
        }
        SortedMap<Long, DmaBufMapping> mappings = new TreeMap<>();
        int from = 0;
        while ((from = text.indexOf(DMA_BUF_FILE, from)) >= 0) {
            int lineEnd = text.indexOf('\n', from) < 0 ? text.length() : text.indexOf('\n', from);
            String line = text.substring(text.lastIndexOf('\n', from) + 1, lineEnd);
            from = lineEnd;
            try {
                MapsLine area = MapsLine.parse(maps, line);
                if (area.path().startsWith(DMA_BUF_FILE)) {
                    mappings.merge(area.inode(), new DmaBufMapping(1, area.offset() + area.length()),
                            (known, more) -> new DmaBufMapping(known.count() + 1, Math.max(known.extentBytes(), more.extentBytes())));
                }
            } catch (MalformedProcFileException e) {
                skips.skip(e);
            }
        }
        return mappings;
    }

    /**
     * The DRM and dma-buf fds. The kernel checks one access right for the fd list, every link and every fdinfo, so
     * a refusal of any is counted once and the process reported without fds.
     */
    private SortedMap<Integer, OpenFd> readFds(Path dir, int pid, long startTime, Nodes nodes, SkipCounter skips) throws IOException {
        SortedMap<Integer, OpenFd> fds = new TreeMap<>();
        try {
            for (String name : files.list(dir.resolve("fd"))) {
                try {
                    int number = parseInt(dir.resolve("fd").resolve(name), name);
                    Optional<OpenFd> fd = readFd(dir, name, new HeldFd(pid, startTime, number), nodes);
                    if (fd.isPresent()) {
                        fds.put(number, fd.get());
                    }
                } catch (IOException e) {
                    if (ReadFailure.of(e) == ReadFailure.PERMISSION_DENIED) {
                        throw e;
                    }
                    skips.skip(e);
                }
            }
        } catch (IOException e) {
            if (ReadFailure.of(e) != ReadFailure.PERMISSION_DENIED) {
                throw e;
            }
            skips.skip(e);
            fds.clear();
        }
        return fds;
    }

    /**
     * Only DRM and dma-buf fdinfo is read. A dma-buf is known by its link, {@code /dmabuf:NAME} on kernels with the
     * dmabuf pseudo file system, {@code anon_inode:dmabuf} before. A DRM or accel client is known, as nvtop and qmassa
     * know it, by the major of the character device stat(2) finds at the fd, whatever path opened it; only links to
     * paths are stat'ed, since sockets, pipes and anonymous inodes are none.
     */
    private Optional<OpenFd> readFd(Path dir, String fd, HeldFd held, Nodes nodes) throws IOException {
        Path link = dir.resolve("fd").resolve(fd);
        String target = files.readLink(link);
        if (target.startsWith(DMA_BUF_FILE)) {
            return Optional.of(Fdinfo.dmaBuf(keyValues(dir.resolve("fdinfo").resolve(fd)), () -> files.stat(link).inode()));
        }
        if (target.equals("anon_inode:dmabuf")) {
            Path fdinfo = dir.resolve("fdinfo").resolve(fd);
            // Every anonymous inode is one and the same: only fdinfo's ino can name this buffer.
            return Optional.of(Fdinfo.dmaBuf(keyValues(fdinfo), () -> {
                throw new MalformedProcFileException(fdinfo, "no 'ino', and an anonymous inode names no dma-buf");
            }));
        }
        if (!target.startsWith("/")) {
            return Optional.empty();
        }
        PathFd pathFd = new PathFd(held, target);
        Optional<DeviceNode> node = pathFds.get(pathFd);
        if (node == null) {
            node = nodes.majors.node(files.stat(link));
        }
        nodes.pathFds.put(pathFd, node);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        DrmClient client = Fdinfo.drmClient(keyValues(dir.resolve("fdinfo").resolve(fd)), node.get(), nodes.sysfsDevice(node.get()));
        nodes.clientDevices.putIfAbsent(new DeviceName(client.driver(), client.device()), client);
        return Optional.of(client);
    }

    /** The DRM and accel nodes of one sample: their majors, and what sysfs calls each node's device, read once. */
    private final class Nodes {
        final DeviceMajors majors;
        final Map<PathFd, Optional<DeviceNode>> pathFds = new HashMap<>();
        final Map<Integer, StatusRead> statuses = new HashMap<>();
        /** The first client of each device, in the order the sample met them. */
        final Map<DeviceName, DrmClient> clientDevices = new LinkedHashMap<>();
        private final Map<DeviceNode, Optional<String>> devices = new HashMap<>();

        Nodes(DeviceMajors majors) {
            this.majors = majors;
        }

        /**
         * The name of the device the node belongs to: {@code /sys/dev/char/MAJOR:MINOR} is the node's directory, whose
         * {@code device} links to it. Without sysfs (a container that does not mount it) there is none.
         */
        Optional<String> sysfsDevice(DeviceNode node) {
            return devices.computeIfAbsent(node, absent -> {
                try {
                    Path device = Path.of(files.readLink(sys.resolve("dev/char").resolve(node.major() + ":" + node.minor()).resolve("device")));
                    return Optional.ofNullable(device.getFileName()).map(Path::toString);
                } catch (IOException e) {
                    return Optional.empty();
                }
            });
        }
    }

    private KeyValues keyValues(Path file) throws IOException {
        return KeyValues.parse(file, text(file));
    }

    private KeyValues keyValues(Path file, Set<String> keys) throws IOException {
        return KeyValues.parse(file, text(file), keys);
    }

    /** The file as text; bytes that are not UTF-8 (a process may name itself anything) become U+FFFD instead of failing. */
    private String text(Path file) throws IOException {
        return files.read(file, StandardCharsets.UTF_8);
    }

    private static long parseLong(Path file, String value) throws MalformedProcFileException {
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Named below.
        }
        throw new MalformedProcFileException(file, "not a byte count: '" + value + "'");
    }

    private static int parseInt(Path file, String value) throws MalformedProcFileException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new MalformedProcFileException(file, "not an integer: '" + value + "'");
        }
    }

    /** The fields of a {@code /proc/PID/maps} line the reader needs: start-end, perms, offset, dev, inode, path. */
    private record MapsLine(long length, long offset, long inode, String path) {

        static MapsLine parse(Path file, String line) throws MalformedProcFileException {
            String[] fields = line.strip().split("\\s+", 6);
            int dash = fields[0].indexOf('-');
            if (fields.length < 6 || dash < 0) {
                throw new MalformedProcFileException(file, "not a maps line: '" + line + "'");
            }
            try {
                long start = Long.parseUnsignedLong(fields[0].substring(0, dash), 16);
                long end = Long.parseUnsignedLong(fields[0].substring(dash + 1), 16);
                return new MapsLine(end - start, Long.parseUnsignedLong(fields[2], 16), Long.parseLong(fields[4]), fields[5]);
            } catch (NumberFormatException e) {
                throw new MalformedProcFileException(file, "not a maps line: '" + line + "'");
            }
        }
    }

    /** The fields of {@code /proc/PID/stat} the reader needs. */
    private record Stat(char state, long flags, long startTime) {

        /** After the name: state is field 3 of the line, flags field 9, starttime field 22. */
        private static final int FLAGS = 9 - 3;
        private static final int START_TIME = 22 - 3;

        /**
         * The name in parentheses may hold spaces and parentheses itself, so the fields count from the last ')'. The
         * fields are found by their spaces, not split into strings: every sample parses a stat line per process.
         */
        static Stat parse(Path file, String text) throws MalformedProcFileException {
            int state = text.lastIndexOf(')') + 2;
            if (state < 2 || state + 1 >= text.length() || text.charAt(state - 1) != ' ' || text.charAt(state + 1) != ' ') {
                throw new MalformedProcFileException(file, "not a stat line: '" + text.strip() + "'");
            }
            try {
                return new Stat(text.charAt(state), field(text, state, FLAGS), field(text, state, START_TIME));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                throw new MalformedProcFileException(file, "not a stat line: '" + text.strip() + "'");
            }
        }

        /** The number {@code index} fields after the one starting at {@code from}. */
        private static long field(String text, int from, int index) {
            int start = from;
            for (int skipped = 0; skipped < index; skipped++) {
                start = text.indexOf(' ', start) + 1;
                if (start == 0) {
                    throw new IndexOutOfBoundsException("field " + index);
                }
            }
            int end = text.indexOf(' ', start);
            return Long.parseLong(text, start, end < 0 ? text.stripTrailing().length() : end, 10);
        }
    }

    private enum ReadFailure {
        VANISHED, PERMISSION_DENIED, UNREADABLE;

        /** ESRCH comes as a plain reason string: Java has no exception type for it. */
        static ReadFailure of(IOException e) {
            String reason = e instanceof FileSystemException fileSystem ? fileSystem.getReason() : e.getMessage();
            if (e instanceof NoSuchFileException || "No such process".equals(reason)) {
                return VANISHED;
            }
            if (e instanceof AccessDeniedException || "Operation not permitted".equals(reason)) {
                return PERMISSION_DENIED;
            }
            return UNREADABLE;
        }
    }

    private static final class SkipCounter {
        private long vanished;
        private long permissionDenied;
        private long unreadable;

        /** Counts the skipped read; an interrupted read is no skip but the end of the sample, so it is rethrown. */
        void skip(IOException e) throws ClosedByInterruptException {
            if (e instanceof ClosedByInterruptException interrupted) {
                throw interrupted;
            }
            switch (ReadFailure.of(e)) {
                case VANISHED -> vanished++;
                case PERMISSION_DENIED -> permissionDenied++;
                case UNREADABLE -> unreadable++;
            }
        }

        ReadSkips total() {
            return new ReadSkips(vanished, permissionDenied, unreadable);
        }
    }
}
