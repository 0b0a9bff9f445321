package io.gemtrack.benchmarks;

import io.gemtrack.cli.Gemtrack;
import picocli.CommandLine;

/**
 * {@code gemtrack} with the benchmark commands added: what {@code ./gemtrack bench} and {@code ./gemtrack jmh}
 * run. JMH and Kafka's perf tools stay on this module's class path, out of the launcher's and the image's.
 */
public final class GemtrackBenchmarks {

    private GemtrackBenchmarks() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = Gemtrack.commandLine()
                .addSubcommand(new BenchCommand())
                .addSubcommand(new JmhCommand())
                .addSubcommand(new CollectorFootprintCommand());
        System.exit(commandLine.execute(args));
    }
}
