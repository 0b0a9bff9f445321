package io.gemtrack.benchmarks;

import io.gemtrack.broker.ChildJvm;
import io.gemtrack.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Apache Kafka's own {@code ProducerPerformance} and {@code ConsumerPerformance} (from {@code kafka-tools}), each
 * run in a child JVM as Kafka's scripts run them, with their printed results parsed back. Each runs twice in its JVM
 * ({@link WarmedUpTool}), as gemtrack's steps do: cold, then on compiled code.
 */
final class KafkaPerfTools {

    private static final Pattern PRODUCER_SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec .* 50th");

    /** Where each tool's first run writes, or the group it reads in, so the second starts as if alone. */
    static final String WARM_UP_SUFFIX = ".warm-up";

    private final String bootstrapServers;
    private final Path producerConfig;
    private final Path consumerConfig;

    /**
     * Tools that connect as {@code kafka} says, producing with {@code producerDefaults} under those settings, as
     * gemtrack's producer does. The settings go to the tools in properties files readable by this user alone, not on
     * their command lines, where anyone could read a password.
     */
    KafkaPerfTools(KafkaSettings kafka, Map<String, Object> producerDefaults) throws IOException {
        this.bootstrapServers = kafka.bootstrapServers();
        this.producerConfig = propertiesFile(kafka.producer(producerDefaults));
        this.consumerConfig = propertiesFile(kafka.consumer(Map.of()));
    }

    private static Path propertiesFile(Map<String, Object> settings) throws IOException {
        Path file = Files.createTempFile("gemtrack-bench-client", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        file.toFile().deleteOnExit();
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, value.toString()));
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "Kafka client settings of gemtrack bench");
        }
        return file;
    }

    /**
     * Sends {@code records} records as fast as the broker takes them, with payloads drawn from {@code payloadFile}
     * (one per line) and gemtrack's producer settings; returns records per second of each run. The first run writes
     * to another topic, so {@code topic} holds {@code records} records.
     */
    BenchCommand.Runs<Double> producerRecordsPerSecond(String topic, long records, Path payloadFile) {
        return runTwice("org.apache.kafka.tools.ProducerPerformance",
                producerArguments(topic + WARM_UP_SUFFIX, records, payloadFile),
                producerArguments(topic, records, payloadFile), output -> {
                    Matcher summary = PRODUCER_SUMMARY.matcher(output);
                    if (!summary.find()) {
                        throw new IllegalStateException("ProducerPerformance printed no summary:\n" + output);
                    }
                    return Double.parseDouble(summary.group(2));
                });
    }

    private List<String> producerArguments(String topic, long records, Path payloadFile) {
        return List.of("--topic", topic, "--num-records", Long.toString(records), "--throughput", "-1",
                "--payload-file", payloadFile.toString(), "--producer.config", producerConfig.toString());
    }

    /**
     * Reads {@code records} records from the start of {@code topic} in a group named for it; returns records per
     * second of fetching, for each run. The first reads the same records in another group.
     */
    BenchCommand.Runs<Double> consumerRecordsPerSecond(String topic, long records) {
        String group = topic + ".consumer-performance";
        return runTwice("org.apache.kafka.tools.ConsumerPerformance",
                consumerArguments(topic, records, group + WARM_UP_SUFFIX),
                consumerArguments(topic, records, group), output -> {
                    String rate = statsTable(output).get("fetch.nMsg.sec");
                    if (rate == null) {
                        throw new IllegalStateException("ConsumerPerformance printed no fetch.nMsg.sec:\n" + output);
                    }
                    return Double.parseDouble(rate);
                });
    }

    private List<String> consumerArguments(String topic, long records, String group) {
        return List.of("--bootstrap-server", bootstrapServers, "--consumer.config", consumerConfig.toString(), "--topic", topic,
                "--messages", Long.toString(records), "--group", group, "--timeout", "60000");
    }

    /** ConsumerPerformance prints a comma-separated header line and, under it, one line of values. */
    private static Map<String, String> statsTable(String output) {
        List<String> lines = output.lines().map(String::strip).collect(Collectors.toList());
        Map<String, String> stats = new HashMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("start.time")) {
                String[] names = lines.get(i).split(",\\s*");
                String[] values = lines.get(i + 1).split(",\\s*");
                for (int column = 0; column < Math.min(names.length, values.length); column++) {
                    stats.put(names[column], values[column]);
                }
            }
        }
        return stats;
    }

    /** Runs the tool twice in a child JVM ({@link WarmedUpTool}) and parses the rate out of each run's output. */
    private static BenchCommand.Runs<Double> runTwice(String mainClass, List<String> firstArguments, List<String> secondArguments,
                                                      Function<String, Double> rate) {
        String[] runs = output(mainClass, firstArguments, secondArguments).split(Pattern.quote(WarmedUpTool.END_OF_RUN));
        if (runs.length < 2) {
            throw new IllegalStateException(mainClass + " did not finish both runs:\n" + String.join("", runs));
        }
        return new BenchCommand.Runs<>(rate.apply(runs[0]), rate.apply(runs[1]));
    }

    private static String output(String mainClass, List<String> firstArguments, List<String> secondArguments) {
        List<String> arguments = new ArrayList<>(List.of(mainClass, Integer.toString(firstArguments.size())));
        arguments.addAll(firstArguments);
        arguments.addAll(secondArguments);
        try {
            Process process = ChildJvm.builder(List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                    WarmedUpTool.class.getName(), arguments).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = process.waitFor();
            if (status != 0) {
                throw new IllegalStateException(mainClass + " exited with status " + status + ":\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + mainClass, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + mainClass, e);
        }
    }
}
