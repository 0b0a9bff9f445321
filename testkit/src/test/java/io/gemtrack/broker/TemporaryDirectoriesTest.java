package io.gemtrack.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker's temporary directory left by a run killed with SIGKILL is removed by the next run, and only once nothing
 * can be using it: every process it names is gone.
 */
class TemporaryDirectoriesTest {

    @TempDir
    Path parent;

    private Process gone;

    /** A process that ran and has ended, as a killed run's JVMs have. */
    @BeforeEach
    void startProcessToEnd() throws IOException {
        gone = new ProcessBuilder("sleep", "60").start();
    }

    @AfterEach
    void endProcess() {
        gone.destroyForcibly();
    }

    @Test
    void aDirectoryWhoseOwnerAndBrokerAreGoneIsRemoved() throws Exception {
        Path left = directory("killed");
        TemporaryDirectories.record(left, TemporaryDirectories.OWNER, gone.toHandle());
        TemporaryDirectories.record(left, TemporaryDirectories.BROKER, gone.toHandle());
        Files.writeString(left.resolve("broker.log"), "the broker's data and log");
        end(gone);

        TemporaryDirectories.removeStale(parent);

        assertThat(left).doesNotExist();
    }

    @Test
    void aDirectoryIsKeptWhileItsOwnerOrItsBrokerRuns() throws Exception {
        Path ownerRuns = directory("owner-runs");
        TemporaryDirectories.record(ownerRuns, TemporaryDirectories.OWNER, ProcessHandle.current());
        Path brokerRuns = directory("broker-runs");
        TemporaryDirectories.record(brokerRuns, TemporaryDirectories.OWNER, gone.toHandle());
        TemporaryDirectories.record(brokerRuns, TemporaryDirectories.BROKER, ProcessHandle.current());
        end(gone);

        TemporaryDirectories.removeStale(parent);

        assertThat(ownerRuns).isDirectory();
        assertThat(brokerRuns).isDirectory();
    }

    @Test
    void aPidCountsAsItsRecordedProcessOnlyIfThatStartedWithinSecondsOfTheTimeRecorded() throws Exception {
        Path pidReused = directory("pid-reused");
        recordThisJvmStartedOff(pidReused, Duration.ofMinutes(1));
        Path ownerRuns = directory("owner-runs");
        recordThisJvmStartedOff(ownerRuns, Duration.ofSeconds(2));

        TemporaryDirectories.removeStale(parent);

        assertThat(pidReused).as("directory whose owner's pid now belongs to a process started later").doesNotExist();
        assertThat(ownerRuns).as("directory of a running owner whose JVM read another boot time").isDirectory();
    }

    @Test
    void aDirectoryWithoutAnOwnerIsLeftAlone() throws Exception {
        Path unknown = directory("no-owner");
        Path other = Files.createDirectory(parent.resolve("other-" + gone.pid()));
        TemporaryDirectories.record(other, TemporaryDirectories.OWNER, gone.toHandle());
        end(gone);

        TemporaryDirectories.removeStale(parent);

        assertThat(unknown).as("just created, or by a version that wrote no pid file").isDirectory();
        assertThat(other).as("not a broker's directory").isDirectory();
    }

    @Test
    void aNewDirectoryIsOwnedByThisJvmAndReplacesOnesLeftBehind() throws Exception {
        Path left = directory("killed");
        TemporaryDirectories.record(left, TemporaryDirectories.OWNER, gone.toHandle());
        end(gone);

        Path created = TemporaryDirectories.create(parent);

        assertThat(created.getFileName().toString()).startsWith(TemporaryDirectories.PREFIX);
        assertThat(Files.readString(created.resolve(TemporaryDirectories.OWNER))).startsWith(ProcessHandle.current().pid() + " ");
        assertThat(left).doesNotExist();
        TemporaryDirectories.removeStale(parent);
        assertThat(created).as("kept: its owner runs").isDirectory();
    }

    /** Records this JVM as the owner of {@code directory}, but started {@code off} earlier than it did. */
    private static void recordThisJvmStartedOff(Path directory, Duration off) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        long startedMillis = self.info().startInstant().orElseThrow().minus(off).toEpochMilli();
        Files.writeString(directory.resolve(TemporaryDirectories.OWNER), self.pid() + " " + startedMillis + "\n");
    }

    private Path directory(String name) throws IOException {
        return Files.createDirectory(parent.resolve(TemporaryDirectories.PREFIX + name));
    }

    private static void end(Process process) throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
