package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.broker.KafkaBroker;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options of the commands that run the whole {@link Pipeline} in one process: {@code demo} and {@code local}. */
final class PipelineOptions {

    @Option(names = "--http-port", defaultValue = "" + Aggregator.Config.DEFAULT_HTTP_PORT,
            description = "Port of the web view, /metrics and the API (0: any free port). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--kafka-port", defaultValue = "0",
            description = "Port of the embedded Kafka broker (0: any free port). Default: ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Mixin
    TopicOptions topics;

    /** With brokers named (by --bootstrap-server or any other source), the pipeline runs on them and starts none. */
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Where the parts' logs go, written anew (-: stderr). Default: gemtrack-COMMAND-USER.log in the temporary directory.")
    Path log;

    /** A check of an option that may fail with picocli's usage error. */
    @FunctionalInterface
    interface Check {
        void run() throws Exception;
    }

    /** Whether brokers were named, so that no broker of the pipeline's own is started. */
    boolean onGivenBrokers() {
        return kafka.namesBootstrapServers();
    }

    /** Checks that the ports are ports and free (the broker's only when the pipeline starts its own). */
    void validatePorts(CommandSpec spec) {
        Ports.requireValid(spec, "--http-port", httpPort);
        Ports.requireValid(spec, "--kafka-port", kafkaPort);
        Ports.requireFree("--http-port", Aggregator.Config.DEFAULT_HTTP_BIND_ADDRESS, httpPort);
        if (!onGivenBrokers()) {
            Ports.requireFree("--kafka-port", KafkaBroker.LISTENER_ADDRESS, kafkaPort);
        }
    }

    /**
     * Parses {@code arguments} into the source's {@code command} and runs its own checks, now, before anything starts;
     * a usage error is told as {@code spec}'s, since the options mean the same in both.
     */
    static void validateSource(CommandSpec spec, Object command, String[] arguments, Check check) throws Exception {
        try {
            new CommandLine(command).parseArgs(arguments);
            check.run();
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Runs the pipeline {@code starter} starts until a stop signal (see {@link Pipeline#runUntilStopped}). */
    int run(String command, Pipeline.PipelineStarter starter) throws Exception {
        return Pipeline.runUntilStopped(log != null ? log : LogFile.defaultPath(command), starter);
    }
}
