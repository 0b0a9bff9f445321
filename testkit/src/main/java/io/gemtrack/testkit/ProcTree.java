package io.gemtrack.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A procfs tree in a directory, in the kernel's formats, for the reader to take for {@code /proc}. Fds are
 * symbolic links as in {@code /proc/PID/fd}; their targets need not exist, as for device nodes and anonymous
 * inodes they do not on the real thing either.
 */
public final class ProcTree {

    public static final String HOSTNAME = "fixture-host";
    public static final String BOOT_ID = "5f0c9d6e-3b1a-4c2e-9f7d-2a8b6c4e1d03";
    /** PF_RANDOMIZE | PF_FORKNOEXEC-style flags of a user process, and a kernel thread's with PF_KTHREAD. */
    private static final long USER_FLAGS = 0x400100;
    private static final long KERNEL_THREAD_FLAGS = 0x208040;

    private final Path root;

    public ProcTree(Path root) {
        this.root = root;
        memory(16L << 20, 2L << 20);
        write(root.resolve("sys/kernel/random/boot_id"), BOOT_ID + "\n");
        write(root.resolve("sys/kernel/hostname"), HOSTNAME + "\n");
    }

    public Path root() {
        return root;
    }

    public ProcTree memory(long memTotalKb, long swapTotalKb) {
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
                """, memTotalKb, memTotalKb / 2, memTotalKb / 2, swapTotalKb, swapTotalKb));
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
        try (InputStream in = ProcTree.class.getResourceAsStream("/fdinfo/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture fdinfo/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        private int oomScoreAdj;

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
            return write();
        }

        public ProcessDir oomScoreAdj(int oomScoreAdj) {
            this.oomScoreAdj = oomScoreAdj;
            return write();
        }

        /** An fd to a DRM device node such as {@code /dev/dri/renderD128}, with the fdinfo its driver prints. */
        public ProcessDir drmFd(int fd, String node, String fdinfo) {
            return fd(fd, node, fdinfo);
        }

        /** An fd to a dma-buf, linked as kernels with the dmabuf pseudo file system show it. */
        public ProcessDir dmaBufFd(int fd, String fdinfo) {
            return fd(fd, "/dmabuf:", fdinfo);
        }

        /** An fd of any other kind, with the generic fdinfo every fd has. */
        public ProcessDir otherFd(int fd, String target) {
            return fd(fd, target, "pos:\t0\nflags:\t02\nmnt_id:\t24\nino:\t" + (1000 + fd) + "\n");
        }

        public ProcessDir fd(int fd, String target, String fdinfo) {
            closeFd(fd);
            try {
                Files.createSymbolicLink(dir().resolve("fd").resolve(Integer.toString(fd)), Path.of(target));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
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
            return this;
        }

        /** Fields 23 to 52 (vsize to exit_code) do not matter to the reader; they are there so the line has all 52. */
        private String stat() {
            String tail = IntStream.range(23, 53).mapToObj(field -> field == 23 ? "12345678" : "0").collect(Collectors.joining(" "));
            return String.format("%d (%s) %c %d %d %d 0 -1 %d 1520 0 3 0 17 9 0 0 20 0 1 0 %d %s%n",
                    pid, name, state, parentPid, pid, pid, flags, startTime, tail);
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

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path path) {
        try (var paths = Files.walk(path)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(entry -> {
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
