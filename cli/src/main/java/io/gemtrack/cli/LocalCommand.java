package io.gemtrack.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    SamplingOptions sampling;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        return pipeline.run("local", this::start);
    }

    /** Checks every option, the procfs and that the ports are free, before anything starts. */
    void validate() throws Exception {
        CollectCommand collector = new CollectCommand(new StopRequest());
        PipelineOptions.validateSource(spec, collector, collectorArguments(List.of()), collector::validate);
        pipeline.validatePorts(spec);
    }

    /** Starts broker, aggregator and collector; if any fails to start, what did start is stopped again. */
    Pipeline start() throws Exception {
        return start(System.err);
    }

    private Pipeline start(PrintStream terminal) throws Exception {
        return Pipeline.start("gemtrack local", pipeline,
                (kafkaArguments, stop) -> Pipeline.command(new CollectCommand(stop), collectorArguments(kafkaArguments)), terminal);
    }

    private String[] collectorArguments(List<String> kafkaArguments) {
        List<String> arguments = new ArrayList<>(kafkaArguments);
        arguments.addAll(sampling.arguments());
        return arguments.toArray(String[]::new);
    }
}
