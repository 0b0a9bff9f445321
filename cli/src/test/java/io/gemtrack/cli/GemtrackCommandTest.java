package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GemtrackCommandTest {

    private final CapturedCommandLine cli = CapturedCommandLine.gemtrack();

    @Test
    void helpListsEverySubcommand() {
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out.toString()).contains("demo", "produce", "collect", "aggregate", "topics", "broker");
    }

    @Test
    void everySubcommandHasHelp() {
        for (String subcommand : new String[] {"demo", "local", "produce", "collect", "aggregate", "topics", "replay", "broker", "top"}) {
            cli.out.getBuffer().setLength(0);
            assertThat(cli.run(subcommand, "--help")).as(subcommand).isZero();
            assertThat(cli.out.toString()).as(subcommand).contains("Usage: gemtrack " + subcommand, "--help");
        }
    }

    @Test
    void rootUsageNamesTheBenchmarkCommandsAndHowToSeeAStackTrace() {
        assertThat(cli.run("--help")).isZero();
        assertThat(cli.out.toString()).contains("bench ", "jmh ", "benchmarks module's class path", "--verbose", "GEMTRACK_DEBUG=1");
    }

    @Test
    void aFailingCommandPrintsOneLineWithItsCausesAndNoStackTrace() {
        CapturedCommandLine failing = new CapturedCommandLine(() -> Gemtrack.commandLine().addSubcommand(new Failing()));
        assertThat(failing.run("failing")).isEqualTo(1);
        assertThat(failing.err.toString()).isEqualTo("gemtrack failing: cannot open the thing: /no/such/file" + System.lineSeparator());
    }

    @Test
    void verboseAfterTheCommandAddsTheStackTrace() {
        CapturedCommandLine failing = new CapturedCommandLine(() -> Gemtrack.commandLine().addSubcommand(new Failing()));
        assertThat(failing.run("failing", "-v")).isEqualTo(1);
        assertThat(failing.err.toString()).startsWith("gemtrack failing: cannot open the thing: /no/such/file")
                .contains("java.io.UncheckedIOException: cannot open the thing", "\tat io.gemtrack.cli.");
    }

    @Test
    void gemtrackDebugInTheEnvironmentAddsTheStackTrace() {
        CapturedCommandLine failing = new CapturedCommandLine(() -> Gemtrack.commandLine().addSubcommand(new Failing())
                .setExecutionExceptionHandler(new FailureReport(java.util.Map.of(FailureReport.DEBUG_VARIABLE, "1"))));
        assertThat(failing.run("failing")).isEqualTo(1);
        assertThat(failing.err.toString()).contains("gemtrack failing: cannot open the thing", "\tat io.gemtrack.cli.");
    }

    /** A command that fails as a missing file makes commands fail. */
    @CommandLine.Command(name = "failing")
    static final class Failing implements Runnable {
        @Override
        public void run() {
            throw new java.io.UncheckedIOException("cannot open the thing", new java.nio.file.NoSuchFileException("/no/such/file"));
        }
    }

    @Test
    void unknownFlagIsNamedInTheError() {
        assertThat(cli.run("aggregate", "--bootstrap-servers", "x")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("Unknown options: '--bootstrap-servers'", "Possible solutions: --bootstrap-server");
    }

    @Test
    void missingSubcommandSaysWhichExist() {
        assertThat(cli.run()).isEqualTo(2);
        assertThat(cli.err.toString()).contains("a subcommand is required: demo, local, produce, collect, aggregate, topics, replay, broker or top");
    }

    @Test
    void badNumberNamesTheFlag() {
        assertThat(cli.run("demo", "--http-port", "ninety")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("--http-port", "ninety");
    }

    @Test
    void dryRunPrintsDecodableJsonLines() throws MalformedEventException {
        assertThat(cli.run("produce", "--dry-run", "--hosts", "2", "--rate", "max", "--events", "200")).isZero();
        String[] lines = cli.out.toString().split("\n");
        assertThat(lines).hasSizeGreaterThan(10);
        EventCodec codec = new EventCodec();
        java.util.Set<String> hosts = new java.util.HashSet<>();
        for (String line : lines) {
            hosts.add(codec.decode(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)).host());
        }
        assertThat(hosts).hasSize(2);
    }
}
