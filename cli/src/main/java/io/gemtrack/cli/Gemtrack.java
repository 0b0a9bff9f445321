package io.gemtrack.cli;

import io.gemtrack.aggregator.build.BuildInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gemtrack} launcher: one entry point for the demo and each part of the pipeline. */
@Command(name = "gemtrack", mixinStandardHelpOptions = true, versionProvider = Gemtrack.BuildVersion.class,
        description = "Make DRM GEM buffer memory visible per process: emulated kernel -> Kafka -> aggregator -> Prometheus.",
        footer = {"", "A command that fails prints one line naming the error; --verbose, or " + FailureReport.DEBUG_VARIABLE
                + "=1 in the environment, adds its stack trace."},
        subcommands = {DemoCommand.class, LocalCommand.class, ProduceCommand.class, CollectCommand.class, AggregateCommand.class,
                TopicsCommand.class, ReplayCommand.class, BrokerCommand.class, TopCommand.class, CommandLine.HelpCommand.class})
public final class Gemtrack implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Read by {@link FailureReport}; inherited, so it goes after any command's name. */
    @CommandLine.Option(names = {"-v", FailureReport.VERBOSE}, scope = CommandLine.ScopeType.INHERIT,
            description = "When the command fails, print the stack trace too (as " + FailureReport.DEBUG_VARIABLE + "=1 does).")
    boolean verbose;

    public static void main(String[] args) {
        main(commandLine(), args);
    }

    /** Runs {@code commandLine} (the root, maybe with a tool module's commands added) as the process, then exits. */
    public static void main(CommandLine commandLine, String[] args) {
        Shutdown.install();
        // Over System.out itself, so that checkError() tells a command printing events that its reader is gone.
        commandLine.setOut(new PrintWriter(System.out, true));
        withVersion(commandLine);
        System.exit(Shutdown.exitStatus(commandLine.execute(args)));
    }

    /**
     * The root command with its subcommands; a tool module adds its own commands to it before executing. A command
     * that fails prints one line (see {@link FailureReport}).
     */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Gemtrack()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(new FailureReport(System.getenv()));
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, Gemtrack::footer);
        withVersion(commandLine);
        return commandLine;
    }

    /**
     * Gives {@code commandLine}'s subcommands the root's {@code --version} answer; picocli's standard options give a
     * subcommand {@code --version}, but without a version of its own it prints nothing. Done again when the process
     * runs, for the commands a tool module added.
     */
    private static void withVersion(CommandLine commandLine) {
        for (CommandLine subcommand : commandLine.getSubcommands().values()) {
            if (subcommand.getCommandSpec().version().length == 0) {
                subcommand.getCommandSpec().versionProvider(new BuildVersion());
            }
            withVersion(subcommand);
        }
    }

    /** The footer, naming the benchmark commands where they are not on the class path, and so not listed above it. */
    private static String footer(CommandLine.Help help) {
        String benchmarks = help.subcommands().containsKey("bench") ? "" : String.format("%nAlso, on the benchmarks module's"
                + " class path (./gemtrack runs them there):%n"
                + "  bench      Measure gemtrack against Kafka's own perf tools on one embedded broker.%n"
                + "  jmh        Run the JMH micro-benchmarks with JMH's options (gemtrack jmh --help).%n"
                + "  readers-under-load   Measure the API's readers against the fold on a million-object host.%n"
                + "  collector-footprint  Measure the collector's CPU per sample and resident memory.%n"
                + "  replay-benchmark     Measure ?at= answers on a million-object host through the API.%n");
        return benchmarks + help.footer();
    }

    @Override
    public void run() {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.remove("help");
        String last = names.remove(names.size() - 1);
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is required: " + String.join(", ", names) + " or " + last);
    }

    /** The version Maven built. */
    static final class BuildVersion implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {"gemtrack " + BuildInfo.version()};
        }
    }
}
