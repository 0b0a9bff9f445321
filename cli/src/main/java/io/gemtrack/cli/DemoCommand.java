package io.gemtrack.cli;

import io.gemtrack.broker.KafkaBroker;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gemtrack demo}: the whole pipeline on one machine with nothing but a JDK: a real Kafka broker in a
 * child JVM (or the cluster the Kafka options name), the emulated kernel producing, and an aggregator serving the web
 * view and {@code /metrics}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a Kafka broker, the emulated-kernel producer and an aggregator together until Ctrl-C "
                + "(or until the aggregator's consumer fails: then all stop, with exit status 1). Given brokers"
                + " (--bootstrap-server, or bootstrap.servers in the other Kafka settings), run on them instead of a broker of its own.")
public final class DemoCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--hosts", defaultValue = "3", description = "Number of simulated hosts. Default: ${DEFAULT-VALUE}.")
    int hosts;

    @Option(names = "--scenario", defaultValue = "desktop", paramLabel = "NAME[,NAME...]",
            description = "What the hosts run, as for produce (gemtrack produce --help lists them). Default: ${DEFAULT-VALUE},"
                    + " where each policy picks its own OOM victim.")
    String scenario;

    @Option(names = "--rate", defaultValue = "1000", paramLabel = "EVENTS_PER_SECOND|max",
            description = "Events per second over all hosts, or max. Default: ${DEFAULT-VALUE}.")
    String rate;

    @Option(names = "--seed", description = "Seed of the simulation: the same seed tells the same story. Default: a random one, printed.")
    Long seed;

    @Option(names = "--with-prometheus",
            description = "Also run Prometheus (Debian's prometheus on the PATH) scraping the aggregator, with gemtrack's rules and alerts.")
    boolean withPrometheus;

    @Option(names = "--prometheus-port", defaultValue = "9090",
            description = "Port of that Prometheus (0: any free port). Default: ${DEFAULT-VALUE}.")
    int prometheusPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        return pipeline.run("demo", this::start);
    }

    /** Checks every option, and that the ports are free, before anything starts. */
    void validate() throws Exception {
        if (hosts < 1 || hosts > ProduceCommand.MAX_HOSTS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for option '--hosts': must be between 1 and "
                    + ProduceCommand.MAX_HOSTS + ", was " + hosts);
        }
        ProduceCommand producer = new ProduceCommand(new StopRequest());
        PipelineOptions.validateSource(spec, producer, producerArguments(List.of()), producer::validate);
        pipeline.validatePorts(spec);
        if (withPrometheus) {
            if (pipeline.onGivenBrokers()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--with-prometheus runs with the demo's own broker"
                        + " only; with brokers given (--bootstrap-server or bootstrap.servers), point a Prometheus of your own"
                        + " at the aggregator's /metrics");
            }
            PrometheusChild.binary();
            Ports.requireValid(spec, "--prometheus-port", prometheusPort);
            Ports.requireFree("--prometheus-port", "127.0.0.1", prometheusPort);
        }
    }

    /** Starts broker, aggregator and producer; if any fails to start, what did start is stopped again. */
    Pipeline start() throws Exception {
        return start(System.err);
    }

    private Pipeline start(PrintStream terminal) throws Exception {
        Pipeline running = Pipeline.start("gemtrack demo", pipeline,
                (kafkaArguments, stop) -> Pipeline.command(new ProduceCommand(stop), producerArguments(kafkaArguments)), terminal);
        if (withPrometheus) {
            try {
                PrometheusChild prometheus = PrometheusChild.start(running.directory().resolve("prometheus"), running.httpPort(),
                        prometheusPort == 0 ? KafkaBroker.freePort() : prometheusPort);
                running.add("Prometheus", "http://localhost:" + prometheus.port() + "/alerts", prometheus);
            } catch (Exception | Error e) {
                running.close();
                throw e;
            }
        }
        return running;
    }

    private String[] producerArguments(List<String> kafkaArguments) {
        List<String> arguments = new ArrayList<>(kafkaArguments);
        arguments.addAll(List.of("--hosts", Integer.toString(hosts), "--scenario", scenario, "--rate", rate));
        if (seed != null) {
            arguments.addAll(List.of("--seed", seed.toString()));
        }
        return arguments.toArray(String[]::new);
    }
}
