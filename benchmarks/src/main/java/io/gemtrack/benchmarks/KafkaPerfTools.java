package io.gemtrack.benchmarks;

import io.gemtrack.broker.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Apache Kafka's own {@code ProducerPerformance} and {@code ConsumerPerformance} (from {@code kafka-tools}), each
 * run in a child JVM as Kafka's scripts run them, with their printed results parsed back.
 */
final class KafkaPerfTools {

    private static final Pattern PRODUCER_SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec .* 50th");

    private final String bootstrapServers;

    KafkaPerfTools(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Sends {@code records} records as fast as the broker takes them, with payloads drawn from {@code payloadFile}
     * (one per line) and the given producer settings; returns records per second.
     */
    double producerRecordsPerSecond(String topic, long records, Path payloadFile, Map<String, Object> producerConfig) {
        List<String> arguments = new ArrayList<>(List.of("--topic", topic, "--num-records", Long.toString(records),
                "--throughput", "-1", "--payload-file", payloadFile.toString(), "--producer-props",
                "bootstrap.servers=" + bootstrapServers));
        producerConfig.forEach((key, value) -> arguments.add(key + "=" + value));
        String output = run("org.apache.kafka.tools.ProducerPerformance", arguments);
        Matcher summary = PRODUCER_SUMMARY.matcher(output);
        if (!summary.find()) {
            throw new IllegalStateException("ProducerPerformance printed no summary:\n" + output);
        }
        return Double.parseDouble(summary.group(2));
    }

    /** Reads {@code records} records from the start of {@code topic} in a new group; returns records per second of fetching. */
    double consumerRecordsPerSecond(String topic, long records) {
        String output = run("org.apache.kafka.tools.ConsumerPerformance", List.of("--bootstrap-server", bootstrapServers,
                "--topic", topic, "--messages", Long.toString(records), "--group", "bench-consumer-performance",
                "--timeout", "60000"));
        Map<String, String> stats = statsTable(output);
        String rate = stats.get("fetch.nMsg.sec");
        if (rate == null) {
            throw new IllegalStateException("ConsumerPerformance printed no fetch.nMsg.sec:\n" + output);
        }
        return Double.parseDouble(rate);
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

    private static String run(String mainClass, List<String> arguments) {
        try {
            Process process = ChildJvm.builder(List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                    mainClass, arguments).redirectErrorStream(true).start();
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
