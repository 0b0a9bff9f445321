package io.gemtrack.cli;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.HostSnapshot;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.testkit.EventLines;
import io.gemtrack.testkit.ProcTree;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static io.gemtrack.testkit.ProcTree.fdinfo;
import static org.assertj.core.api.Assertions.assertThat;

class CollectCommandTest {

    @TempDir
    Path root;

    private final CapturedCommandLine cli = new CapturedCommandLine(() -> new CommandLine(new CollectCommand()));

    private ProcTree desktop() {
        ProcTree tree = new ProcTree(root);
        tree.process(1, "systemd", 0, 1);
        tree.process(500, "gnome-shell", 1, 400).drmFd(12, "/dev/dri/renderD128", fdinfo("amdgpu.txt"))
                .dmaBufFd(30, fdinfo("dmabuf-amdgpu.txt"));
        return tree;
    }

    private List<Event> printedEvents() throws MalformedEventException {
        return EventLines.decode(cli.out.toString());
    }

    @Test
    void helpNamesEveryOption() {
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out.toString()).contains("Usage: collect", "--bootstrap-server", "--topic", "--interval", "--proc", "--host",
                "--samples", "--dry-run", "gemtrack.events", "5s", "/proc");
    }

    @Test
    void dryRunPrintsTheStreamAsJsonLinesAndTheTotalsToStderr() throws MalformedEventException {
        ProcTree tree = desktop();

        int status = cli.run("--dry-run", "--samples", "2", "--interval", "1ms", "--proc", tree.root().toString());

        assertThat(status).isZero();
        List<Event> events = printedEvents();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).body()).isInstanceOf(HostSnapshot.class);
        assertThat(events.get(0).host()).isEqualTo(ProcTree.HOSTNAME);
        assertThat(events.get(0).bootId()).startsWith(ProcTree.BOOT_ID + "/");
        assertThat(cli.err.toString()).startsWith("collected 2 samples of fixture-host (boot " + ProcTree.BOOT_ID + "/")
                .contains(": 1 events; reads skipped: 0 vanished, 0 permission denied, 0 unreadable");
    }

    @Test
    void theHostNameCanBeGiven() throws MalformedEventException {
        ProcTree tree = desktop();

        assertThat(cli.run("--dry-run", "--samples", "1", "--host", "gpu-node-7", "--proc", tree.root().toString())).isZero();

        assertThat(printedEvents()).extracting(Event::host).containsExactly("gpu-node-7");
    }

    @Test
    void aBadIntervalOrSampleCountIsNamedInTheError() {
        assertThat(cli.run("--dry-run", "--interval", "5x")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--interval", "'5x' is not a positive interval like 500ms, 5s, 2m or 1h");
        assertThat(cli.run("--dry-run", "--interval", "0s")).isEqualTo(2);
        assertThat(cli.run("--dry-run", "--samples", "0")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--samples must be at least 1, was 0");
    }

    @Test
    void anUnreadableProcRootFailsWithTheReason() {
        assertThat(cli.run("--dry-run", "--samples", "1", "--proc", root.resolve("missing").toString())).isEqualTo(1);
        assertThat(cli.err.toString()).contains("missing");
    }

    @Test
    void itStopsPromptlyWhenItsThreadIsInterruptedBetweenSamples() throws Exception {
        ProcTree tree = desktop();
        AtomicInteger status = new AtomicInteger(-1);
        Thread runner = new Thread(() -> status.set(cli.run("--dry-run", "--interval", "1h", "--proc", tree.root().toString())));
        runner.start();
        for (int attempt = 0; attempt < 1000 && cli.out.toString().isEmpty(); attempt++) {
            Thread.sleep(10);
        }

        runner.interrupt();
        runner.join(5_000);

        assertThat(runner.isAlive()).isFalse();
        assertThat(status.get()).isZero();
        assertThat(cli.err.toString()).startsWith("collected 1 samples of fixture-host");
    }

    @Test
    void itStopsPromptlyWhenInterruptedWhileTheBrokerDoesNotAnswer() throws Exception {
        ProcTree tree = desktop();
        Thread runner = new Thread(() -> cli.run("--bootstrap-server", "127.0.0.1:1", "--interval", "1h", "--proc", tree.root().toString()));
        runner.start();
        Thread.sleep(500);

        runner.interrupt();
        runner.join(5_000);

        assertThat(runner.isAlive()).isFalse();
    }
}
