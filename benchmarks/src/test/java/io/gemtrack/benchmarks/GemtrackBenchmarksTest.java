package io.gemtrack.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GemtrackBenchmarksTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = GemtrackBenchmarks.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void jmhHelpShowsTheCommandsUsageAndJmhsOwnOptions() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream jmhOutput = new ByteArrayOutputStream();
        int status;
        System.setOut(new PrintStream(jmhOutput, true, StandardCharsets.UTF_8));
        try {
            status = run("jmh", "--help");
        } finally {
            System.setOut(stdout);
        }
        assertThat(status).isZero();
        assertThat(out.toString()).contains("Usage: gemtrack jmh", "JMH's options:");
        assertThat(jmhOutput.toString(StandardCharsets.UTF_8)).contains("-wi <int>", "Number of warmup iterations");
        assertThat(err.toString()).doesNotContain("not a recognized option");
    }

    @Test
    void missingSubcommandListsEveryCommandWithTheBenchmarks() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("a subcommand is required: demo, local, produce, collect, aggregate, topics, replay, broker, top, bench, jmh, collector-footprint, readers-under-load or replay-benchmark")
                .doesNotContain("Also, on the benchmarks module's class path");
    }

    @Test
    void jmhKeepsItsOwnVerbosityOption() {
        assertThat(GemtrackBenchmarks.commandLine().getSubcommands().get("jmh").getCommandSpec().findOption("-v")).isNull();
        assertThat(GemtrackBenchmarks.commandLine().getSubcommands().get("bench").getCommandSpec().findOption("--verbose"))
                .isNotNull();
    }
}
