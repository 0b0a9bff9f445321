package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.build.BuildInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A user's mistake gets an error naming the flag, the file, the port or the address, before any work, and no stack trace. */
class UserErrorsTest {

    private static final int USAGE = 2;

    private final CapturedCommandLine cli = CapturedCommandLine.gemtrack();

    private void assertNoStackTrace() {
        assertThat(cli.err.toString()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void demoWithNoHostsFailsBeforeStarting() {
        assertThat(cli.run("demo", "--hosts", "0")).isEqualTo(USAGE);
        assertThat(cli.err.toString()).contains("Invalid value for option '--hosts': must be between 1 and 10000, was 0");
        assertThat(cli.out.toString()).doesNotContain("web view");
        assertNoStackTrace();
    }

    @Test
    void demoChecksTheProducersOptionsBeforeStarting() {
        String[][] cases = {
            {"--scenario", "nosuch", "Invalid value for option '--scenario': unknown scenario 'nosuch'; choose from "},
            {"--rate", "0", "Invalid value for option '--rate': '0' is neither a positive number of events per second nor max"},
            {"--rate", "fast", "Invalid value for option '--rate': 'fast' is neither a positive number of events per second nor max"},
            {"--seed", "x", "Invalid value for option '--seed': 'x' is not a long"},
            {"--hosts", "10001", "Invalid value for option '--hosts': must be between 1 and 10000, was 10001"},
        };
        for (String[] wrong : cases) {
            cli.out.getBuffer().setLength(0);
            cli.err.getBuffer().setLength(0);
            assertThat(cli.run("demo", wrong[0], wrong[1])).as(wrong[0]).isEqualTo(USAGE);
            assertThat(cli.err.toString()).as(wrong[0]).startsWith(wrong[2]).contains("Usage: gemtrack demo")
                    .doesNotContain("starting Kafka");
            assertThat(cli.out.toString()).doesNotContain("web view");
            assertNoStackTrace();
        }
    }

    @Test
    void localChecksItsProcAndFlagsBeforeStarting(@TempDir Path proc) {
        assertThat(cli.run("local", "--proc", "/nonexistent")).isEqualTo(FailureReport.FAILED);
        assertThat(cli.err.toString()).isEqualTo("gemtrack local: --proc: /nonexistent is not a directory" + System.lineSeparator());
        assertNoStackTrace();

        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("local", "--proc", proc.toString())).isEqualTo(FailureReport.FAILED);
        assertThat(cli.err.toString()).contains("gemtrack local: --proc: cannot read " + proc.resolve("sys/kernel/random/boot_id"));
        assertNoStackTrace();

        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("local", "--interval", "0s")).isEqualTo(USAGE);
        assertThat(cli.err.toString()).startsWith("Invalid value for option '--interval': '0s' is not a positive interval like 500ms, 5s, 2m or 1h")
                .contains("Usage: gemtrack local");
        assertNoStackTrace();

        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("local", "--http-port", "70000")).isEqualTo(USAGE);
        assertThat(cli.err.toString()).contains("Invalid value for option '--http-port': 70000 is not a port");
        assertNoStackTrace();
    }

    @Test
    void topNamesAnAggregatorItCannotReachAndABadPolicyOrAddress() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThat(cli.run("top", "--url", "http://127.0.0.1:" + closed, "--once")).isEqualTo(FailureReport.FAILED);
        assertThat(cli.err.toString()).isEqualTo("gemtrack top: cannot reach the aggregator at http://127.0.0.1:" + closed + " (--url): connection refused"
                + System.lineSeparator());
        assertThat(cli.err.toString().lines()).hasSize(1);
        assertNoStackTrace();

        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("top", "--url", "localhost:9400")).isEqualTo(USAGE);
        assertThat(cli.err.toString()).startsWith("Invalid value for option '--url': 'localhost:9400' is not an address like http://localhost:9400");
        assertNoStackTrace();
    }

    @Test
    void demoWithAnHttpPortBeyondTheLastOne() {
        assertThat(cli.run("demo", "--http-port", "99999")).isEqualTo(USAGE);
        assertThat(cli.err.toString()).contains("Invalid value for option '--http-port': 99999 is not a port");
        assertNoStackTrace();
    }

    @Test
    void everyCommandAnswersVersion() {
        for (String command : new String[] {"demo", "produce", "collect", "aggregate", "broker", "local", "top"}) {
            cli.out.getBuffer().setLength(0);
            assertThat(cli.run(command, "--version")).as(command).isZero();
            assertThat(cli.out.toString()).as(command).isEqualTo("gemtrack " + BuildInfo.version() + System.lineSeparator());
            assertNoStackTrace();
        }
    }

    @Test
    void brokerWithANegativePort() {
        assertThat(cli.run("broker", "--port", "-1")).isEqualTo(USAGE);
        assertThat(cli.err.toString()).contains("Invalid value for option '--port': -1 is not a port");
        assertNoStackTrace();
    }

    @Test
    void collectFromAProcThatDoesNotExist() {
        assertThat(cli.run("collect", "--dry-run", "--proc", "/nonexistent")).isEqualTo(FailureReport.FAILED);
        assertThat(cli.err.toString()).isEqualTo("gemtrack collect: --proc: /nonexistent is not a directory" + System.lineSeparator());
        assertNoStackTrace();
    }

    @Test
    void collectFromATreeWithoutABootId(@TempDir Path proc) {
        assertThat(cli.run("collect", "--dry-run", "--proc", proc.toString())).isEqualTo(FailureReport.FAILED);
        assertThat(cli.err.toString()).contains("gemtrack collect: --proc: cannot read "
                + proc.resolve("sys/kernel/random/boot_id") + " (is " + proc + " the root of a procfs?)");
        assertNoStackTrace();
    }

    @Test
    void collectFromATreeWithoutAHostName(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("sys/kernel/random"));
        Files.writeString(proc.resolve("sys/kernel/random/boot_id"), "6d9a4d8e-8a3b-4c4e-9d51-0e9bd8a0e1f2\n");
        assertThat(cli.run("collect", "--dry-run", "--proc", proc.toString())).isEqualTo(FailureReport.FAILED);
        assertThat(cli.err.toString()).contains("gemtrack collect: --proc: cannot read " + proc.resolve("sys/kernel/hostname") + " (--host names the host instead)");
        assertNoStackTrace();
    }

    @Test
    void busyPortsAreNamedWithTheFlagThatMovesThem() throws IOException {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("0.0.0.0", 0));
            String port = Integer.toString(busy.getLocalPort());
            assertBusy(port, "0.0.0.0", "--http-port", "demo", "--http-port", port);
            assertBusy(port, "127.0.0.1", "--kafka-port", "demo", "--kafka-port", port);
            assertBusy(port, "127.0.0.1", "--port", "broker", "--port", port);
            assertBusy(port, "0.0.0.0", "--http-port", "aggregate", "--http-port", port);
        }
    }

    @Test
    @Timeout(60)
    void anUnreachableOrUnresolvableKafkaIsNamedBeforeAnyWork() {
        for (String servers : new String[] {"127.0.0.1:1", "nosuchhost.invalid:9092"}) {
            for (String command : new String[] {"produce", "collect", "aggregate"}) {
                cli.err.getBuffer().setLength(0);
                String[] args = command.equals("aggregate") ? new String[] {command, "--bootstrap-server", servers, "--http-port", "0"}
                        : new String[] {command, "--bootstrap-server", servers};
                assertThat(cli.run(args)).as(command).isEqualTo(FailureReport.FAILED);
                assertThat(cli.err.toString().lines().filter(line -> line.startsWith("gemtrack ")))
                        .as(command).singleElement().asString()
                        .startsWith("gemtrack " + command + ": cannot reach Kafka at " + servers + " (--bootstrap-server): ");
                assertNoStackTrace();
            }
        }
    }

    @Test
    @Timeout(30)
    void aClosedStdoutEndsProduceDryRunQuietly() {
        assertThat(runPrintingTo(new ReaderLeavesAfter(10_000), "produce", "--dry-run", "--rate", "max")).isZero();
        assertThat(cli.err.toString()).contains("produce: printed ", "; stopped: stdout was closed").doesNotContain("sent");
        assertNoStackTrace();
    }

    @Test
    @Timeout(30)
    void aClosedStdoutEndsCollectDryRunQuietly() {
        assertThat(runPrintingTo(new ReaderLeavesAfter(1_000), "collect", "--dry-run", "--interval", "100ms")).isZero();
        assertThat(cli.err.toString()).contains("(stopped: stdout was closed)");
        assertNoStackTrace();
    }

    /** Runs with stdout going to {@code stdout}, over a PrintWriter as {@link Gemtrack#main} makes it. */
    private int runPrintingTo(OutputStream stdout, String... args) {
        CommandLine commandLine = Gemtrack.commandLine();
        commandLine.setOut(new PrintWriter(stdout, true));
        commandLine.setErr(new PrintWriter(cli.err, true));
        return commandLine.execute(args);
    }

    /** A pipe whose reader goes away after some bytes, as {@code head} does: writes fail from then on. */
    private static final class ReaderLeavesAfter extends OutputStream {
        private long left;

        ReaderLeavesAfter(long bytes) {
            left = bytes;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (length > left) {
                left = 0;
                throw new IOException("Broken pipe");
            }
            left -= length;
        }
    }

    private void assertBusy(String port, String address, String flag, String... command) {
        cli.err.getBuffer().setLength(0);
        assertThat(cli.run(command)).as(String.join(" ", command)).isEqualTo(FailureReport.FAILED);
        assertThat(cli.err.toString()).isEqualTo("gemtrack " + command[0] + ": port " + port + " (on " + address + ") is in use; "
                + flag + " picks another (0: any free port)" + System.lineSeparator());
    }
}
