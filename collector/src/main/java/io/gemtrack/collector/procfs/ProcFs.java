package io.gemtrack.collector.procfs;

import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads processes, their mm counters, DRM clients and dma-bufs from a procfs tree. The root is a parameter so
 * the same code reads {@code /proc} and the fixture trees of the tests.
 *
 * <p>A live host changes while it is read. A process that exits mid-read, or whose files the kernel refuses,
 * is left out of the sample and counted in {@link ReadSkips}; an fd likewise. Only a failure to read the host
 * itself ({@code meminfo}, the process list) fails the sample.
 */
public final class ProcFs {

    private static final Pattern PID = Pattern.compile("[1-9][0-9]{0,8}");
    private static final Pattern DRM_NODE = Pattern.compile("/dev/dri/(?:card|renderD|controlD)([0-9]+)");
    /** The kernel's PF_KTHREAD task flag: a kernel thread has no mm and no fds of its own. */
    private static final long KERNEL_THREAD_FLAG = 0x00200000;
    /** prctl(PR_SET_NAME) can empty a process's name; the event schema needs one. */
    private static final String UNNAMED = "?";

    /** The file with the kernel's id of the current boot, relative to the root. */
    public static final String BOOT_ID = "sys/kernel/random/boot_id";
    /** The file with the kernel's host name, relative to the root. */
    public static final String HOSTNAME = "sys/kernel/hostname";

    private final Path root;
    private final ProcFiles files;

    public ProcFs(Path root) {
        this(root, ProcFiles.DEFAULT);
    }

    ProcFs(Path root, ProcFiles files) {
        this.root = root;
        this.files = files;
    }

    /** The kernel's id of the current boot. */
    public String bootId() throws IOException {
        return files.read(root.resolve(BOOT_ID)).strip();
    }

    public String hostname() throws IOException {
        return files.read(root.resolve(HOSTNAME)).strip();
    }

    public HostSample sample() throws IOException {
        KeyValues meminfo = keyValues(root.resolve("meminfo"));
        SkipCounter skips = new SkipCounter();
        List<ProcessSample> processes = new ArrayList<>();
        for (String name : files.list(root)) {
            if (PID.matcher(name).matches()) {
                try {
                    readProcess(root.resolve(name), skips).ifPresent(processes::add);
                } catch (IOException e) {
                    skips.skip(e);
                }
            }
        }
        processes.sort(Comparator.comparingLong(ProcessSample::startTime).thenComparingInt(ProcessSample::pid));
        return new HostSample(meminfo.requiredBytes("MemTotal"), meminfo.bytesOrZero("SwapTotal"), processes, skips.total());
    }

    /** Empty for a kernel thread or a zombie: neither has an mm or fds left to report. */
    private Optional<ProcessSample> readProcess(Path dir, SkipCounter skips) throws IOException {
        Stat stat = Stat.parse(dir.resolve("stat"), files.read(dir.resolve("stat")));
        if ((stat.flags() & KERNEL_THREAD_FLAG) != 0 || stat.state() == 'Z' || stat.state() == 'X') {
            return Optional.empty();
        }
        KeyValues status = keyValues(dir.resolve("status"));
        MmSample memory = new MmSample(status.bytesOrZero("RssFile"), status.bytesOrZero("RssAnon"),
                status.bytesOrZero("RssShmem"), status.bytesOrZero("VmSwap"), status.bytesOrZero("VmPTE"));
        Path oomScoreAdj = dir.resolve("oom_score_adj");
        return Optional.of(new ProcessSample(Integer.parseInt(dir.getFileName().toString()), stat.startTime(),
                (int) status.requiredLong("PPid"), status.text("Name").orElse(UNNAMED),
                parseInt(oomScoreAdj, files.read(oomScoreAdj).strip()), memory, readFds(dir, skips)));
    }

    /**
     * The DRM and dma-buf fds. The kernel checks one access right for the fd list, every link and every fdinfo, so
     * a refusal of any is counted once and the process reported without fds.
     */
    private SortedMap<Integer, OpenFd> readFds(Path dir, SkipCounter skips) throws IOException {
        SortedMap<Integer, OpenFd> fds = new TreeMap<>();
        try {
            for (String name : files.list(dir.resolve("fd"))) {
                try {
                    Optional<OpenFd> fd = readFd(dir, name);
                    if (fd.isPresent()) {
                        fds.put(parseInt(dir.resolve("fd").resolve(name), name), fd.get());
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
     * The link names the kind of fd, so only DRM and dma-buf fdinfo is read. A dma-buf's link is
     * {@code /dmabuf:NAME} on kernels with the dmabuf pseudo file system, {@code anon_inode:dmabuf} before.
     */
    private Optional<OpenFd> readFd(Path dir, String fd) throws IOException {
        String target = files.readLink(dir.resolve("fd").resolve(fd));
        Path fdinfo = dir.resolve("fdinfo").resolve(fd);
        Matcher drmNode = DRM_NODE.matcher(target);
        if (drmNode.matches()) {
            return Optional.of(Fdinfo.drmClient(keyValues(fdinfo), parseInt(fdinfo, drmNode.group(1))));
        }
        if (target.startsWith("/dmabuf:") || target.equals("anon_inode:dmabuf")) {
            return Optional.of(Fdinfo.dmaBuf(keyValues(fdinfo)));
        }
        return Optional.empty();
    }

    private KeyValues keyValues(Path file) throws IOException {
        return KeyValues.parse(file, files.read(file));
    }

    private static int parseInt(Path file, String value) throws MalformedProcFileException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new MalformedProcFileException(file, "not an integer: '" + value + "'");
        }
    }

    /** The fields of {@code /proc/PID/stat} the reader needs. */
    private record Stat(char state, long flags, long startTime) {

        /** The name in parentheses may hold spaces and parentheses itself, so the fields count from the last ')'. */
        static Stat parse(Path file, String text) throws MalformedProcFileException {
            String[] fields = text.substring(text.lastIndexOf(')') + 1).strip().split(" ");
            // After the name: state is field 3 of the line, flags field 9, starttime field 22.
            if (fields.length < 20 || fields[0].length() != 1) {
                throw new MalformedProcFileException(file, "not a stat line: '" + text.strip() + "'");
            }
            try {
                return new Stat(fields[0].charAt(0), Long.parseLong(fields[6]), Long.parseLong(fields[19]));
            } catch (NumberFormatException e) {
                throw new MalformedProcFileException(file, "not a stat line: '" + text.strip() + "'");
            }
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
