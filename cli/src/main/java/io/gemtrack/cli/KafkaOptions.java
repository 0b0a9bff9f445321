package io.gemtrack.cli;

import io.gemtrack.kafka.KafkaSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The Kafka options of every command that talks to Kafka, named as Kafka's own tools name them. Together with the
 * {@code GEMTRACK_KAFKA_*} environment variables they make the {@link KafkaSettings} every client of the command
 * is built from.
 */
public final class KafkaOptions {

    private static final Logger log = LoggerFactory.getLogger(KafkaOptions.class);

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to connect to. Default: bootstrap.servers of the other Kafka settings, else "
                    + KafkaSettings.DEFAULT_BOOTSTRAP_SERVERS + ".")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "A properties file of Kafka client settings (security.protocol, sasl.*, ssl.*, ...), as Kafka's"
                    + " own tools take it; over the " + KafkaSettings.ENVIRONMENT_PREFIX + "* environment variables"
                    + " (e.g. " + KafkaSettings.ENVIRONMENT_PREFIX + "SECURITY_PROTOCOL for security.protocol).")
    Path commandConfig;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting, over --command-config; may be given more than once.")
    List<String> properties = new ArrayList<>();

    private KafkaSettings settings;
    private boolean described;

    /**
     * The command's Kafka settings: environment, then file, then properties, then {@code --bootstrap-server}; the log
     * says which, the first time.
     */
    public synchronized KafkaSettings settings() {
        KafkaSettings built = built();
        if (!described) {
            log.info("Kafka client settings: {}", String.join(", ", built.describe()));
            described = true;
        }
        return built;
    }

    /**
     * Whether any source names the brokers. The settings are not described yet, so that a command can decide before
     * its log has found its place (the pipeline commands' go to a file).
     */
    synchronized boolean namesBootstrapServers() {
        return built().namesBootstrapServers();
    }

    private KafkaSettings built() {
        if (settings == null) {
            KafkaSettings.Builder builder = KafkaSettings.builder().environment(System.getenv());
            try {
                if (commandConfig != null) {
                    builder.commandConfig(commandConfig);
                }
                properties.forEach(builder::property);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command.commandLine(), e.getMessage(), e, null, null);
            }
            settings = builder.bootstrapServers(bootstrapServers).build();
        }
        return settings;
    }

    /** Fails within seconds, saying why, unless the cluster answers (see {@link KafkaReachability}). */
    void requireReachable() {
        KafkaReachability.require(settings());
    }

    /**
     * The {@code --command-config} and {@code --kafka-property} options as given, for a command this one runs in
     * turn, which reads the same environment.
     */
    List<String> clientSettingArguments() {
        List<String> arguments = new ArrayList<>();
        if (commandConfig != null) {
            arguments.addAll(List.of("--command-config", commandConfig.toString()));
        }
        properties.forEach(property -> arguments.addAll(List.of("--kafka-property", property)));
        return arguments;
    }

    /** {@code text} without the secrets of these settings, once they are built; for error messages. */
    synchronized String redact(String text) {
        return settings == null ? text : settings.redact(text);
    }
}
