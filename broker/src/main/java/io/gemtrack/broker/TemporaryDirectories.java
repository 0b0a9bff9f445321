package io.gemtrack.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary data directories of brokers, {@code gemtrack-kafka-*} in a parent directory (the system's temporary
 * directory). Each names the processes that use it in pid files: the JVM that created it ({@value #OWNER}), which
 * deletes it when it closes its broker, and the broker's JVM ({@value #BROKER}). A run killed with SIGKILL cannot
 * delete its directory; once every process it names is gone, nothing uses the directory any more, and the next
 * broker started from a temporary directory removes it. Directories without an owner's pid file are left alone:
 * one may have been created a moment ago, or by a version that did not write one.
 */
final class TemporaryDirectories {

    static final String PREFIX = "gemtrack-kafka-";
    static final String OWNER = "owner.pid";
    static final String BROKER = "broker.pid";
    private static final Duration SAME_START = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(TemporaryDirectories.class);

    private TemporaryDirectories() {
    }

    /** A new directory in {@code parent} owned by this JVM, after removing those left there by killed runs. */
    static Path create(Path parent) {
        removeStale(parent);
        try {
            Path directory = Files.createTempDirectory(parent, PREFIX);
            record(directory, OWNER, ProcessHandle.current());
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a broker data directory in " + parent, e);
        }
    }

    /** Notes that {@code process} uses {@code directory}, so it is not removed while that process lives. */
    static void record(Path directory, String pidFile, ProcessHandle process) throws IOException {
        String startedMillis = process.info().startInstant().map(start -> Long.toString(start.toEpochMilli())).orElse("-");
        Files.writeString(directory.resolve(pidFile), process.pid() + " " + startedMillis + "\n", StandardCharsets.US_ASCII);
    }

    /** Removes the directories in {@code parent} whose owner and broker are both gone. */
    static void removeStale(Path parent) {
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path directory : directories) {
                if (isStale(directory)) {
                    remove(directory);
                }
            }
        } catch (IOException e) {
            log.warn("cannot look for broker data directories left in {} by killed runs: {}", parent, e.toString());
        }
    }

    private static boolean isStale(Path directory) {
        try {
            if (!Files.exists(directory.resolve(OWNER))) {
                return false;
            }
            for (String pidFile : List.of(OWNER, BROKER)) {
                if (Files.exists(directory.resolve(pidFile)) && isAlive(Files.readString(directory.resolve(pidFile)).trim())) {
                    return false;
                }
            }
            return true;
        } catch (NoSuchFileException e) {
            // Its owner has just removed it.
            return false;
        } catch (IOException | RuntimeException e) {
            log.warn("cannot tell whether broker data directory {} is still in use; leaving it: {}", directory, e.toString());
            return false;
        }
    }

    /**
     * Whether the process a pid file names still runs: a process of that pid started at the time recorded (a pid is
     * handed out again once its process is gone). The JVM derives a start time from the boot time, which it reads in
     * whole seconds and which moves when the clock is set, so two JVMs may see the same process start a second or
     * two apart; a process started within {@link #SAME_START} of the time recorded is taken to be the one recorded.
     */
    private static boolean isAlive(String pidAndStart) {
        String[] fields = pidAndStart.split(" ");
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(fields[0])).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || fields.length < 2 || fields[1].equals("-")) {
            return process.isPresent();
        }
        Instant recorded = Instant.ofEpochMilli(Long.parseLong(fields[1]));
        return process.get().info().startInstant()
                .map(started -> Duration.between(recorded, started).abs().compareTo(SAME_START) <= 0).orElse(true);
    }

    private static void remove(Path directory) {
        try {
            Utils.delete(directory.toFile());
            log.info("removed broker data directory {}, left by a run that was killed", directory);
        } catch (IOException e) {
            log.warn("cannot remove broker data directory {}, left by a run that was killed: {}", directory, e.toString());
        }
    }

    /** Deletes a broker's data directory and everything in it. */
    static void delete(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    /** As {@link #delete}, for a process that must end now: never throws; what it cannot delete the next broker removes. */
    static void deleteNow(Path directory) {
        try {
            Utils.delete(directory.toFile());
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot delete " + directory + " (the next temporary broker will): " + e);
        }
    }
}
