package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.broker.KafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gemtrack local}: this machine watched in one command, with nothing but a JDK: a Kafka broker in a child JVM,
 * the collector sampling this machine's procfs and sysfs, and an aggregator serving the web view; what {@code broker},
 * {@code collect} and {@code aggregate} do in three terminals.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Watch this machine's GPU memory: run a Kafka broker, the collector on /proc and an aggregator together"
                + " until Ctrl-C, and print the web view's address (run as root to see every process's DRM fds).")
public final class LocalCommand implements Callable<Integer> {

    @Option(names = "--http-port", defaultValue = "" + Aggregator.Config.DEFAULT_HTTP_PORT,
            description = "Port of the web view, /metrics and the API (0: any free port). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--kafka-port", defaultValue = "0",
            description = "Port of the embedded Kafka broker (0: any free port). Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(names = "--interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "Time between samples: a number with ms, s, m or h. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--proc", defaultValue = "/proc", description = "Root of the procfs to read. Default: ${DEFAULT-VALUE}.")
    Path proc;

    @Option(names = "--sys", description = "Root of the sysfs to read. Default: the sys beside --proc (/sys for /proc).")
    Path sys;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Where the parts' logs go, written anew. Default: gemtrack-local-USER.log in the temporary directory.")
    Path log;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        return Pipeline.runUntilStopped(log != null ? log : LogFile.defaultPath("local"), this::start);
    }

    /** Checks every option, the procfs and that the ports are free, before anything starts. */
    void validate() throws IOException {
        // The collector's own checks, made now and told as this command's: the options mean the same in both.
        CollectCommand collector = new CollectCommand(new StopRequest());
        try {
            new CommandLine(collector).parseArgs(collectorArguments("127.0.0.1:9092"));
            collector.validate();
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Ports.requireValid(spec, "--http-port", httpPort);
        Ports.requireValid(spec, "--kafka-port", kafkaPort);
        Ports.requireFree("--http-port", Aggregator.Config.DEFAULT_HTTP_BIND_ADDRESS, httpPort);
        Ports.requireFree("--kafka-port", KafkaBroker.LISTENER_ADDRESS, kafkaPort);
    }

    /** Starts broker, aggregator and collector; if any fails to start, what did start is stopped again. */
    Pipeline start() throws Exception {
        return start(System.err);
    }

    private Pipeline start(PrintStream terminal) throws Exception {
        return Pipeline.start("gemtrack local", kafkaPort, httpPort,
                (bootstrapServers, stop) -> Pipeline.command(new CollectCommand(stop), collectorArguments(bootstrapServers)), terminal);
    }

    private String[] collectorArguments(String bootstrapServers) {
        List<String> arguments = new ArrayList<>(List.of("--bootstrap-server", bootstrapServers, "--proc", proc.toString(),
                "--interval", interval.toMillis() + "ms"));
        if (sys != null) {
            arguments.addAll(List.of("--sys", sys.toString()));
        }
        return arguments.toArray(String[]::new);
    }
}
