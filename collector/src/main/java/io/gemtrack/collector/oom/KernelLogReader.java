package io.gemtrack.collector.oom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Reads {@code /dev/kmsg} on a daemon thread of its own (a read there blocks until the kernel logs a record, and
 * returns one record per read) and keeps the OOM killer's lines until {@link #drain()}. Opening it needs
 * {@code CAP_SYSLOG}, or {@code kernel.dmesg_restrict=0}; where it cannot be opened, {@link #open} says so with an
 * empty answer and the collector counts kills from {@code /proc/vmstat} alone. The log is read from its oldest
 * record: kills from before the collector started name processes no sample saw, and count for nothing.
 */
public final class KernelLogReader {

    /** A kmsg record is at most about 1 KiB (the kernel's {@code CONSOLE_EXT_LOG_MAX} is 8 KiB). */
    private static final int RECORD_BYTES = 8192;

    private final ConcurrentLinkedQueue<KernelLog.Kill> kills = new ConcurrentLinkedQueue<>();

    private KernelLogReader() {
    }

    /** A reader of {@code kmsg}, or empty if it cannot be opened. */
    public static Optional<KernelLogReader> open(Path kmsg) {
        InputStream in;
        try {
            in = Files.newInputStream(kmsg);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        KernelLogReader reader = new KernelLogReader();
        Thread thread = new Thread(() -> reader.readAll(in), "gemtrack-kmsg");
        thread.setDaemon(true);
        thread.start();
        return Optional.of(reader);
    }

    private void readAll(InputStream in) {
        byte[] record = new byte[RECORD_BYTES];
        try (in) {
            while (true) {
                int read;
                try {
                    read = in.read(record);
                } catch (IOException e) {
                    // EPIPE: records were overwritten before they were read; the next read goes on after them.
                    if (e.getMessage() != null && e.getMessage().contains("Broken pipe")) {
                        continue;
                    }
                    return;
                }
                if (read < 0) {
                    return;
                }
                KernelLog.kill(new String(record, 0, read, StandardCharsets.UTF_8)).ifPresent(kills::add);
            }
        } catch (IOException e) {
            // Closing failed: nothing is left to read either way.
        }
    }

    /** The kills logged since the last call, oldest first. */
    public List<KernelLog.Kill> drain() {
        List<KernelLog.Kill> drained = new ArrayList<>();
        for (KernelLog.Kill kill = kills.poll(); kill != null; kill = kills.poll()) {
            drained.add(kill);
        }
        return drained;
    }
}
