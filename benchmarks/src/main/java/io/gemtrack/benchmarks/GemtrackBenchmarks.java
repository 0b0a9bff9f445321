package io.gemtrack.benchmarks;

import io.gemtrack.cli.Gemtrack;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gemtrack} with the benchmark commands added: what {@code ./gemtrack bench} and {@code ./gemtrack jmh}
 * run. JMH and Kafka's perf tools stay on this module's class path, out of the launcher's and the image's.
 */
public final class GemtrackBenchmarks {

    private GemtrackBenchmarks() {
    }

    public static void main(String[] args) {
        Gemtrack.main(commandLine(), args);
    }

    /** The root command with bench, jmh, collector-footprint, readers-under-load and replay-benchmark added. */
    static CommandLine commandLine() {
        CommandLine commandLine = Gemtrack.commandLine()
                .addSubcommand(new BenchCommand())
                .addSubcommand(new JmhCommand())
                .addSubcommand(new CollectorFootprintCommand())
                .addSubcommand(new ReadersUnderLoadCommand())
                .addSubcommand(new ReplayBenchmarkCommand());
        // JMH has a -v of its own (verbosity), and jmh passes JMH's options on unchanged.
        CommandSpec jmh = commandLine.getSubcommands().get("jmh").getCommandSpec();
        jmh.remove(jmh.findOption("-v"));
        return commandLine;
    }
}
