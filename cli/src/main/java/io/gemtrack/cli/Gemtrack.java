package io.gemtrack.cli;

import io.gemtrack.aggregator.build.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gemtrack} launcher: one entry point for the demo and each part of the pipeline. */
@Command(name = "gemtrack", mixinStandardHelpOptions = true, versionProvider = Gemtrack.BuildVersion.class,
        description = "Make DRM GEM buffer memory visible per process: emulated kernel -> Kafka -> aggregator -> Prometheus.",
        subcommands = {DemoCommand.class, ProduceCommand.class, CollectCommand.class, AggregateCommand.class, TopicsCommand.class,
                BrokerCommand.class, CommandLine.HelpCommand.class})
public final class Gemtrack implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Shutdown.install();
        System.exit(Shutdown.exitStatus(commandLine().execute(args)));
    }

    /** The root command with its subcommands; a tool module adds its own commands to it before executing. */
    public static CommandLine commandLine() {
        return new CommandLine(new Gemtrack()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new RedactingExceptionHandler());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: demo, produce, collect, aggregate, topics or broker");
    }

    /** The version Maven built. */
    static final class BuildVersion implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {"gemtrack " + BuildInfo.version()};
        }
    }
}
