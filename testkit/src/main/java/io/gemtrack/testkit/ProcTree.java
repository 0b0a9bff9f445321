package io.gemtrack.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A host's {@code /proc}, {@code /sys} and {@code /dev} in a directory, in the kernel's formats, for the collector
 * to take for the real ones: {@code proc/}, {@code sys/} and {@code dev/} under the directory given. Fds are
 * symbolic links as in {@code /proc/PID/fd}. A DRM or accel fd links to a real character device node under
 * {@code dev/} with the kernel's major and minor, made with {@code mknod} (so the tests need root, as they have),
 * because the collector finds such fds the way the kernel tells them apart: by stat(2) of the fd. Other targets
 * need not exist, as for anonymous inodes and dma-bufs they do not on the real thing either.
 */
public final class ProcTree {

    public static final String HOSTNAME = "fixture-host";
    public static final String BOOT_ID = "5f0c9d6e-3b1a-4c2e-9f7d-2a8b6c4e1d03";
    /** The major the DRM core registers for its nodes ({@code drm} in {@code /proc/devices}). */
    public static final int DRM_MAJOR = 226;
    /** The accel subsystem's major is allocated at boot; this host's, as its {@code /proc/devices} lists it. */
    public static final int ACCEL_MAJOR = 261;
    /** PF_RANDOMIZE | PF_FORKNOEXEC-style flags of a user process, and a kernel thread's with PF_KTHREAD. */
    private static final long USER_FLAGS = 0x400100;
    private static final long KERNEL_THREAD_FLAGS = 0x208040;
    private static final Pattern DRM_NODE = Pattern.compile("/dev/dri/(card|renderD)([0-9]+)");
    private static final Pattern ACCEL_NODE = Pattern.compile("/dev/accel/accel([0-9]+)");

    private final Path base;
    private final Path root;
    /** How many times a process's memory figures were set, so that each setting shows in its stat line. */
    private long memoryChanges;

    public ProcTree(Path base) {
        this.base = base;
        this.root = base.resolve("proc");
        memory(16L << 20, 2L << 20);
        write(root.resolve("sys/kernel/random/boot_id"), BOOT_ID + "\n");
        write(root.resolve("sys/kernel/hostname"), HOSTNAME + "\n");
        write(root.resolve("devices"), String.format("""
                Character devices:
                  1 mem
                  4 /dev/vc/0
                  4 tty
                  5 /dev/tty
                 10 misc
                 13 input
                %3d drm
                %3d accel

                Block devices:
                  7 loop
                259 blkext
                """, DRM_MAJOR, ACCEL_MAJOR));
    }

    /** The procfs root: what {@code --proc} names. */
    public Path root() {
        return root;
    }

    /** The sysfs root, beside the procfs root. */
    public Path sys() {
        return base.resolve("sys");
    }

    public ProcTree memory(long memTotalKb, long swapTotalKb) {
        return meminfo(memTotalKb, swapTotalKb, "");
    }

    /**
     * {@code /proc/meminfo} with {@code extraLines} (such as the {@code GPUActive} and {@code GPUReclaim} lines
     * some kernels print) after the common ones.
     */
    public ProcTree meminfo(long memTotalKb, long swapTotalKb, String extraLines) {
        write(root.resolve("meminfo"), String.format("""
                MemTotal:       %d kB
                MemFree:        %d kB
                MemAvailable:   %d kB
                Buffers:          123456 kB
                Cached:          2345678 kB
                SwapCached:            0 kB
                SwapTotal:      %d kB
                SwapFree:       %d kB
                Shmem:            345678 kB
                """, memTotalKb, memTotalKb / 2, memTotalKb / 2, swapTotalKb, swapTotalKb) + extraLines);
        return this;
    }

    /**
     * A device with its sysfs entries: {@code sys/devices/DEVICE_PATH} (such as {@code pci0000:00/0000:00:01.0/0000:03:00.0}
     * or {@code platform/soc/fd4c0000.gpu}), its node under {@code dev/}, and {@code sys/dev/char/MAJOR:MINOR} linking to
     * the node's directory there, whose {@code device} links back to the device, as the kernel lays them out.
     */
    public ProcTree device(String node, String devicePath) {
        int[] number = deviceNumber(node);
        String nodeName = node.substring(node.lastIndexOf('/') + 1);
        Path deviceDir = sys().resolve("devices").resolve(devicePath);
        Path nodeDir = deviceDir.resolve(number[0] == DRM_MAJOR ? "drm" : "accel").resolve(nodeName);
        try {
            Files.createDirectories(nodeDir);
            link(nodeDir.resolve("device"), Path.of("../../../" + deviceDir.getFileName()));
            Files.createDirectories(sys().resolve("dev/char"));
            link(sys().resolve("dev/char").resolve(number[0] + ":" + number[1]), sys().resolve("dev/char").relativize(nodeDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        deviceNode(node);
        return this;
    }

    /** A file of a device's sysfs directory, such as amdgpu's {@code mem_info_vram_used}. */
    public ProcTree deviceAttribute(String devicePath, String name, String value) {
        write(sys().resolve("devices").resolve(devicePath).resolve(name), value + "\n");
        return this;
    }

    /** An ordinary file of the host, beside proc and sys (a log an fd may refer to); returns its path. */
    public Path file(String path, String text) {
        Path file = base.resolve(path);
        write(file, text);
        return file;
    }

    /**
     * A cgroup v2 hierarchy at {@code sys/fs/cgroup}, as systemd mounts it: its root's {@code cgroup.controllers}
     * naming the controllers it has.
     */
    public ProcTree cgroupV2(String controllers) {
        return sysFile("fs/cgroup/cgroup.controllers", controllers + "\n");
    }

    /** A file of cgroup {@code path} ({@code /system.slice/foo.service}), such as its {@code memory.current}. */
    public ProcTree cgroupFile(String path, String name, String text) {
        return sysFile("fs/cgroup" + path + "/" + name, text);
    }

    /** Any sysfs file, such as the cgroup tree's {@code fs/cgroup/dmem.capacity}. */
    public ProcTree sysFile(String path, String text) {
        write(sys().resolve(path), text);
        return this;
    }

    /** A user process with some memory and no fds yet. */
    public ProcessDir process(int pid, String name, int parentPid, long startTime) {
        return new ProcessDir(pid, name, parentPid, startTime, USER_FLAGS, 'S').write();
    }

    public ProcessDir kernelThread(int pid, String name) {
        return new ProcessDir(pid, name, 2, 3, KERNEL_THREAD_FLAGS, 'I').write();
    }

    public ProcessDir zombie(int pid, String name, int parentPid, long startTime) {
        return new ProcessDir(pid, name, parentPid, startTime, USER_FLAGS, 'Z').write();
    }

    public void remove(int pid) {
        deleteRecursively(root.resolve(Integer.toString(pid)));
    }

    /** A test resource under {@code fdinfo/}: an fdinfo file as the kernel prints it. */
    public static String fdinfo(String name) {
        return resource("/fdinfo/" + name);
    }

    /** A test resource: a file as the kernel prints it, from the fixture trees' sources under the class path. */
    public static String resource(String name) {
        try (InputStream in = ProcTree.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node under {@code dev/} standing for {@code node}, made on first use. */
    private Path deviceNode(String node) {
        Path path = base.resolve("dev").resolve(node.substring("/dev/".length()));
        if (!Files.exists(path)) {
            int[] number = deviceNumber(node);
            try {
                Files.createDirectories(path.getParent());
                Process mknod = new ProcessBuilder("mknod", path.toString(), "c", Integer.toString(number[0]),
                        Integer.toString(number[1])).redirectErrorStream(true).start();
                String output = new String(mknod.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (mknod.waitFor() != 0) {
                    throw new IllegalStateException("mknod " + path + " failed (fixture device nodes need root): " + output);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while making " + path, e);
            }
        }
        return path;
    }

    /** Major and minor of a DRM node ({@code /dev/dri/card0}, {@code /dev/dri/renderD128}) or accel node ({@code /dev/accel/accel0}). */
    private static int[] deviceNumber(String node) {
        Matcher drm = DRM_NODE.matcher(node);
        if (drm.matches()) {
            return new int[] {DRM_MAJOR, Integer.parseInt(drm.group(2))};
        }
        Matcher accel = ACCEL_NODE.matcher(node);
        if (accel.matches()) {
            return new int[] {ACCEL_MAJOR, Integer.parseInt(accel.group(1))};
        }
        throw new IllegalArgumentException("not a DRM or accel node: " + node);
    }

    /** One {@code /proc/PID} directory; every change is written at once. */
    public final class ProcessDir {
        private final int pid;
        private final String name;
        private final int parentPid;
        private final long startTime;
        private final long flags;
        private final char state;
        private long anonKb = 1024;
        private long fileKb = 2048;
        private long shmemKb;
        private long swapKb;
        private long pageTableKb = 48;
        /** Clock ticks of CPU time in stat beyond the first 17: one more at each change of memory in the tree. */
        private long runs;
        private int oomScoreAdj;
        /** Extra lines of {@code maps}, by start address, after the program's own. */
        private final Map<Long, String> mappings = new LinkedHashMap<>();
        private int libraries = 1;

        private ProcessDir(int pid, String name, int parentPid, long startTime, long flags, char state) {
            this.pid = pid;
            this.name = name;
            this.parentPid = parentPid;
            this.startTime = startTime;
            this.flags = flags;
            this.state = state;
        }

        public Path dir() {
            return root.resolve(Integer.toString(pid));
        }

        public ProcessDir memory(long anonKb, long fileKb, long shmemKb, long swapKb, long pageTableKb) {
            this.anonKb = anonKb;
            this.fileKb = fileKb;
            this.shmemKb = shmemKb;
            this.swapKb = swapKb;
            this.pageTableKb = pageTableKb;
            // The process ran to change its memory: its CPU time in stat shows it, as the kernel's would.
            this.runs = ++memoryChanges;
            return write();
        }

        /**
         * The process's {@code /proc/PID/cgroup} as the kernel prints it ({@code kernel/cgroup/cgroup.c}, proc_cgroup_show):
         * a line {@code hierarchy-ID:controllers:path} per mounted hierarchy, the cgroup v2 one {@code 0::path}.
         */
        public ProcessDir cgroupFile(String text) {
            ProcTree.write(dir().resolve("cgroup"), text);
            return this;
        }

        /** On a cgroup v2 host: the one line of the unified hierarchy. */
        public ProcessDir cgroup(String path) {
            return cgroupFile("0::" + path + "\n");
        }

        public ProcessDir oomScoreAdj(int oomScoreAdj) {
            this.oomScoreAdj = oomScoreAdj;
            return write();
        }

        /** An fd to a DRM or accel node such as {@code /dev/dri/renderD128}, with the fdinfo its driver prints. */
        public ProcessDir drmFd(int fd, String node, String fdinfo) {
            return fd(fd, deviceNode(node).toString(), fdinfo);
        }

        /** An fd to a dma-buf, linked as kernels with the dmabuf pseudo file system show it ({@code /dmabuf:NAME}). */
        public ProcessDir dmaBufFd(int fd, String fdinfo) {
            return fd(fd, "/dmabuf:", fdinfo);
        }

        /** An fd of any other kind, with the generic fdinfo every fd has. */
        public ProcessDir otherFd(int fd, String target) {
            return fd(fd, target, "pos:\t0\nflags:\t02\nmnt_id:\t24\nino:\t" + (1000 + fd) + "\n");
        }

        public ProcessDir fd(int fd, String target, String fdinfo) {
            closeFd(fd);
            link(dir().resolve("fd").resolve(Integer.toString(fd)), Path.of(target));
            ProcTree.write(dir().resolve("fdinfo").resolve(Integer.toString(fd)), fdinfo);
            return this;
        }

        public ProcessDir closeFd(int fd) {
            try {
                Files.deleteIfExists(dir().resolve("fd").resolve(Integer.toString(fd)));
                Files.deleteIfExists(dir().resolve("fdinfo").resolve(Integer.toString(fd)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /**
         * A shared mapping of {@code lengthBytes} of dma-buf {@code inode} at {@code start}, {@code offsetBytes} into the
         * buffer, named as the dmabuf file system names it ({@code /dmabuf:NAME}, NAME empty until DMA_BUF_SET_NAME).
         */
        public ProcessDir dmaBufMapping(long start, long lengthBytes, long offsetBytes, long inode, String bufferName) {
            mappings.put(start, String.format("%012x-%012x rw-s %08x 00:0b %-10d                 /dmabuf:%s", start,
                    start + lengthBytes, offsetBytes, inode, bufferName));
            return write();
        }

        public ProcessDir unmap(long start) {
            mappings.remove(start);
            return write();
        }

        /** Maps {@code count} shared libraries (text, data and read-only segments each), as a real program's maps list them. */
        public ProcessDir libraries(int count) {
            this.libraries = count;
            return write();
        }

        private ProcessDir write() {
            try {
                Files.createDirectories(dir().resolve("fd"));
                Files.createDirectories(dir().resolve("fdinfo"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ProcTree.write(dir().resolve("stat"), stat());
            ProcTree.write(dir().resolve("status"), state == 'S' ? status() : statusWithoutMm());
            ProcTree.write(dir().resolve("oom_score_adj"), oomScoreAdj + "\n");
            ProcTree.write(dir().resolve("maps"), state == 'S' ? maps() : "");
            return this;
        }

        /**
         * Fields 23 to 52 (vsize to exit_code) are there so the line has all 52; like utime (14), rss (24) follows the
         * memory figures, so the line changes when they do, as the kernel's does.
         */
        private String stat() {
            long rssPages = (anonKb + fileKb + shmemKb) / 4;
            String tail = IntStream.range(23, 53).mapToObj(field -> field == 23 ? "12345678" : field == 24 ? Long.toString(rssPages) : "0")
                    .collect(Collectors.joining(" "));
            return String.format("%d (%s) %c %d %d %d 0 -1 %d 1520 0 3 0 %d 9 0 0 20 0 1 0 %d %s%n",
                    pid, name, state, parentPid, pid, pid, flags, 17 + runs, startTime, tail);
        }

        /** The program, its heap, an anonymous mapping, its libraries, the extra mappings, and the stack. */
        private String maps() {
            List<String> lines = new ArrayList<>(List.of(
                    "55d0c2a00000-55d0c2a28000 r--p 00000000 fd:01 2359312                    /usr/bin/" + name,
                    "55d0c2a28000-55d0c2ae6000 r-xp 00028000 fd:01 2359312                    /usr/bin/" + name,
                    "55d0c3f4e000-55d0c3f6f000 rw-p 00000000 00:00 0                          [heap]",
                    "7f3a1c000000-7f3a1c021000 rw-p 00000000 00:00 0 "));
            for (int library = 0; library < libraries; library++) {
                long base = 0x7f3a1e400000L + library * 0x200000L;
                String path = String.format("%-25s/usr/lib/x86_64-linux-gnu/lib%d.so.6", "", library);
                lines.add(String.format("%012x-%012x r--p 00000000 fd:01 %-7d%s", base, base + 0x28000, 2363018 + library, path));
                lines.add(String.format("%012x-%012x r-xp 00028000 fd:01 %-7d%s", base + 0x28000, base + 0x1b0000, 2363018 + library, path));
                lines.add(String.format("%012x-%012x rw-p 001b0000 fd:01 %-7d%s", base + 0x1b0000, base + 0x1b8000, 2363018 + library, path));
            }
            lines.addAll(mappings.values());
            lines.add("7ffd5a3c1000-7ffd5a3e2000 rw-p 00000000 00:00 0                          [stack]");
            return String.join("\n", lines) + "\n";
        }

        private String status() {
            return head() + String.format("""
                    VmPeak:\t  %8d kB
                    VmSize:\t  %8d kB
                    VmLck:\t         0 kB
                    VmPin:\t         0 kB
                    VmHWM:\t  %8d kB
                    VmRSS:\t  %8d kB
                    RssAnon:\t  %8d kB
                    RssFile:\t  %8d kB
                    RssShmem:\t  %8d kB
                    VmData:\t      4096 kB
                    VmStk:\t       132 kB
                    VmExe:\t        20 kB
                    VmLib:\t      1528 kB
                    VmPTE:\t  %8d kB
                    VmSwap:\t  %8d kB
                    HugetlbPages:\t         0 kB
                    CoreDumping:\t0
                    THP_enabled:\t1
                    """, 65536, 65536, rss(), rss(), anonKb, fileKb, shmemKb, pageTableKb, swapKb) + tail();
        }

        private long rss() {
            return anonKb + fileKb + shmemKb;
        }

        /** A kernel thread's or a zombie's: no mm, so no memory lines. */
        private String statusWithoutMm() {
            return head() + tail();
        }

        private String head() {
            return String.format("""
                    Name:\t%s
                    Umask:\t0022
                    State:\t%c
                    Tgid:\t%d
                    Ngid:\t0
                    Pid:\t%d
                    PPid:\t%d
                    TracerPid:\t0
                    Uid:\t1000\t1000\t1000\t1000
                    Gid:\t1000\t1000\t1000\t1000
                    FDSize:\t64
                    Groups:\t1000
                    NStgid:\t%d
                    NSpid:\t%d
                    NSpgid:\t%d
                    NSsid:\t%d
                    Kthread:\t%d
                    """, name, state, pid, pid, parentPid, pid, pid, pid, pid, (flags & 0x200000) != 0 ? 1 : 0);
        }

        private static String tail() {
            return """
                    Threads:\t1
                    SigQ:\t0/63448
                    SigPnd:\t0000000000000000
                    ShdPnd:\t0000000000000000
                    Cpus_allowed_list:\t0-7
                    voluntary_ctxt_switches:\t120
                    nonvoluntary_ctxt_switches:\t3
                    """;
        }
    }

    private static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) {
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(entry -> {
                try {
                    Files.delete(entry);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
