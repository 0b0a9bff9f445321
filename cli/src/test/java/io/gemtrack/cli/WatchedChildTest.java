package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shell {@link PrometheusChild} runs Prometheus under: the child goes when the JVM's end of its input pipe closes
 * (which is what the kernel does when the JVM dies, even by SIGKILL) and when the shell is asked to stop, and the
 * shell exits with the child's status.
 */
class WatchedChildTest {

    private static final Duration GONE_WITHIN = Duration.ofSeconds(10);

    @Test
    void theChildGoesWhenTheParentsEndOfThePipeCloses() throws Exception {
        Process shell = PrometheusChild.watched("sleep", "300").start();
        ProcessHandle child = child(shell, "sleep");

        shell.getOutputStream().close();

        assertThat(child.onExit().get(GONE_WITHIN.toSeconds(), TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(shell.waitFor(GONE_WITHIN.toSeconds(), TimeUnit.SECONDS)).as("the shell exits with its child").isTrue();
    }

    @Test
    void sigtermToTheShellStopsTheChild() throws Exception {
        // Process.destroy closes the pipes it made, so the shell's word about its job would die of SIGPIPE; Prometheus
        // writes to a log file, as this shell does to nowhere.
        Process shell = PrometheusChild.watched("sleep", "300").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle child = child(shell, "sleep");

        shell.destroy();

        assertThat(child.onExit().get(GONE_WITHIN.toSeconds(), TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(shell.waitFor(GONE_WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).as("a child ended by SIGTERM").isEqualTo(128 + 15);
    }

    @Test
    void theShellExitsWithTheChildsStatus() throws Exception {
        Process shell = PrometheusChild.watched("sh", "-c", "exit 7").start();

        assertThat(shell.waitFor(GONE_WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(shell.exitValue()).isEqualTo(7);
    }

    /** The shell's child running {@code command}, once it has started. */
    private static ProcessHandle child(Process shell, String command) throws InterruptedException {
        long deadline = System.nanoTime() + GONE_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> found = shell.children()
                    .filter(handle -> handle.info().command().map(path -> path.endsWith("/" + command)).orElse(false))
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + command + " under the shell within " + GONE_WITHIN);
    }
}
