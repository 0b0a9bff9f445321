package io.gemtrack.cli;

import io.gemtrack.aggregator.AggregateCommand;
import io.gemtrack.benchmarks.BenchCommand;
import io.gemtrack.benchmarks.JmhCommand;
import io.gemtrack.collector.CollectCommand;
import io.gemtrack.producer.ProduceCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gemtrack} launcher: one entry point for the demo and each part of the pipeline. */
@Command(name = "gemtrack", mixinStandardHelpOptions = true, version = "gemtrack 0.1.0",
        description = "Make DRM GEM buffer memory visible per process: emulated kernel -> Kafka -> aggregator -> Prometheus.",
        subcommands = {DemoCommand.class, ProduceCommand.class, CollectCommand.class, AggregateCommand.class, BrokerCommand.class,
                BenchCommand.class, JmhCommand.class,
                CommandLine.HelpCommand.class})
public final class Gemtrack implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Gemtrack()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: demo, produce, collect, aggregate or broker");
    }
}
