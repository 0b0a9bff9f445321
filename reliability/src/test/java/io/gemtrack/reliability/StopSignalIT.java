package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.CheckpointStore;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import io.gemtrack.reliability.CommandProcess.StopSignal;
import io.gemtrack.reliability.CommandProcess.Target;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.ProcTree;
import io.gemtrack.testkit.TestKafka;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every long-running command stopped as people and service managers stop it: SIGINT (Ctrl-C) and SIGTERM, sent to the
 * command's process alone and to its whole process group (which is what Ctrl-C does, so a command's own children and
 * the broker of the demo get it too). Each must end within {@link #STOP_LIMIT} with the shell's status for the
 * signal, leave no process of its group running and no port listening, print no stack trace, and finish what a stop
 * promises: the aggregator's final checkpoint, the producer's and the collector's totals, the broker's temporary
 * directory removed. A broker that is gone before the aggregator stops, and a second signal during a stop, end it
 * within the limit too.
 */
@ExtendWith(KafkaExtension.class)
class StopSignalIT {

    private static final int PARTITIONS = 8;
    private static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Path LOGS = Path.of("target", "reliability", "stop-signals");
    private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at [\\w$.]+\\(.*\\)$|Interrupted while joining ioThread",
            Pattern.MULTILINE);
    private static final Pattern DATA_DIRECTORY = Pattern.compile("data in (\\S+)\\)? \\.\\.\\.");
    private static final Pattern FINAL_CHECKPOINT_SKIPPED = Pattern.compile("final checkpoint skipped for \\[.*]");

    @TempDir
    Path temp;

    static Stream<Arguments> signalsAndTargets() {
        return Stream.of(StopSignal.values()).flatMap(signal -> Stream.of(Target.values()).map(target -> Arguments.of(signal, target)));
    }

    @ParameterizedTest(name = "SIG{0} to its {1}")
    @MethodSource("signalsAndTargets")
    void aggregateStopsInTimeAfterStoringItsFinalCheckpoint(StopSignal signal, Target target, TestKafka kafka) throws Exception {
        String topic = name("aggregate", signal, target) + ".events";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        List<Event> events = FleetStream.events(4, 11, 200, 1_000);
        try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(PARTITIONS))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
        int httpPort = KafkaBroker.freePort();
        try (CommandProcess aggregate = CommandProcess.start(log("aggregate", signal, target), List.of("aggregate",
                "--bootstrap-server", kafka.bootstrapServers(), "--topic", topic, "--dead-letter-topic", topic + ".dlq",
                "--group", topic, "--http-bind", "127.0.0.1", "--http-port", Integer.toString(httpPort)))) {
            AggregatorEndpoint endpoint = new AggregatorEndpoint(httpPort);
            FromScratchFold fold = new FromScratchFold();
            events.forEach(fold::apply);
            Await.until("every event applied by " + aggregate, START_TIMEOUT, endpoint::lastSeqs, fold.lastSeqs()::equals);

            String output = stopAndCheck(aggregate, signal, target, List.of(httpPort));

            assertThat(output).doesNotContainPattern(FINAL_CHECKPOINT_SKIPPED);
            try (CheckpointStore checkpoints = new CheckpointStore(settings, Topics.checkpointsOf(topic))) {
                for (Map.Entry<Integer, Long> end : endOffsets(kafka.bootstrapServers(), topic).entrySet()) {
                    assertThat(checkpoints.read(end.getKey()).resumeAt())
                            .as("where a successor resumes partition %d, from the final checkpoint (the periodic one is 30 s away)",
                                    end.getKey())
                            .hasValue(end.getValue());
                }
            }
        }
    }

    @ParameterizedTest(name = "SIG{0} to its {1}")
    @MethodSource("signalsAndTargets")
    void produceStopsInTimeWithEverythingItSentAcknowledged(StopSignal signal, Target target, TestKafka kafka) throws Exception {
        String topic = name("produce", signal, target) + ".events";
        try (CommandProcess produce = CommandProcess.start(log("produce", signal, target), List.of("produce",
                "--bootstrap-server", kafka.bootstrapServers(), "--topic", topic, "--hosts", "3"))) {
            awaitRecords(kafka.bootstrapServers(), topic, produce);

            String output = stopAndCheck(produce, signal, target, List.of());

            Matcher totals = Pattern.compile("produce: sent ([0-9,]+) events of 3 host\\(s\\) to " + Pattern.quote(topic)
                    + ", ([0-9,]+) acknowledged, 0 failed").matcher(output);
            assertThat(totals.find()).as("the producer's totals in its output:%n%s", output).isTrue();
            assertThat(totals.group(2)).as("events acknowledged").isEqualTo(totals.group(1));
        }
    }

    @ParameterizedTest(name = "SIG{0} to its {1}")
    @MethodSource("signalsAndTargets")
    void collectStopsInTimeAndPrintsItsTotals(StopSignal signal, Target target, TestKafka kafka) throws Exception {
        String topic = name("collect", signal, target) + ".events";
        ProcTree tree = new ProcTree(temp.resolve("proc"));
        tree.process(1, "systemd", 0, 1);
        tree.process(500, "gnome-shell", 1, 400).drmFd(12, "/dev/dri/renderD128", ProcTree.fdinfo("i915.txt"));
        try (CommandProcess collect = CommandProcess.start(log("collect", signal, target), List.of("collect",
                "--bootstrap-server", kafka.bootstrapServers(), "--topic", topic, "--interval", "200ms",
                "--proc", tree.root().toString()))) {
            awaitRecords(kafka.bootstrapServers(), topic, collect);

            String output = stopAndCheck(collect, signal, target, List.of());

            Matcher totals = Pattern.compile("collected ([0-9]+) samples of " + ProcTree.HOSTNAME + " \\(boot \\S+\\): ([0-9]+) events to "
                    + Pattern.quote(topic) + " \\(([0-9]+) sent, 0 failed\\)").matcher(output);
            assertThat(totals.find()).as("the collector's totals in its output:%n%s", output).isTrue();
            assertThat(Long.parseLong(totals.group(3))).as("events sent").isPositive().isEqualTo(Long.parseLong(totals.group(2)));
        }
    }

    @ParameterizedTest(name = "SIG{0} to its {1}")
    @MethodSource("signalsAndTargets")
    void brokerStopsInTimeAndRemovesItsTemporaryDirectory(StopSignal signal, Target target) throws Exception {
        int port = KafkaBroker.freePort();
        try (CommandProcess broker = CommandProcess.start(log("broker", signal, target), List.of("broker", "--port",
                Integer.toString(port)))) {
            Path directory = Path.of(broker.awaitOutput(DATA_DIRECTORY, START_TIMEOUT).group(1));
            broker.awaitOutput(Pattern.compile("Kafka broker ready"), START_TIMEOUT);
            assertChildrenTakeTheGroupsSignal(broker, signal);

            stopAndCheck(broker, signal, target, List.of(port));

            assertThat(directory).as("the broker's temporary data directory").doesNotExist();
        }
    }

    @ParameterizedTest(name = "SIG{0} to its {1}")
    @MethodSource("signalsAndTargets")
    void demoStopsInTimeWithItsBrokerAndLeavesNothing(StopSignal signal, Target target) throws Exception {
        pipelineStopsInTimeWithItsBrokerAndLeavesNothing("demo", List.of("--hosts", "2"), signal, target);
    }

    /** {@code local} runs the demo's parts with the collector on this machine's /proc for the producer. */
    @ParameterizedTest(name = "SIG{0} to its {1}")
    @MethodSource("signalsAndTargets")
    void localStopsInTimeWithItsBrokerAndLeavesNothing(StopSignal signal, Target target) throws Exception {
        pipelineStopsInTimeWithItsBrokerAndLeavesNothing("local", List.of("--interval", "1s"), signal, target);
    }

    /** {@code command}, a pipeline with a broker of its own, stops in time with its broker and leaves nothing behind. */
    private void pipelineStopsInTimeWithItsBrokerAndLeavesNothing(String command, List<String> options, StopSignal signal,
                                                                  Target target) throws Exception {
        int httpPort = KafkaBroker.freePort();
        int kafkaPort = KafkaBroker.freePort();
        List<String> arguments = new ArrayList<>(List.of(command, "--http-port", Integer.toString(httpPort), "--kafka-port",
                Integer.toString(kafkaPort)));
        arguments.addAll(options);
        // --log -: the parts' logs stay on stderr, so the output checked for stack traces and messages holds them too.
        arguments.addAll(List.of("--log", "-"));
        try (CommandProcess pipeline = CommandProcess.start(log(command, signal, target), arguments)) {
            Path directory = Path.of(pipeline.awaitOutput(DATA_DIRECTORY, START_TIMEOUT).group(1));
            pipeline.awaitOutput(Pattern.compile("gemtrack " + command + " is running"), START_TIMEOUT);
            awaitRecords("127.0.0.1:" + kafkaPort, Topics.EVENTS, pipeline);
            assertChildrenTakeTheGroupsSignal(pipeline, signal);

            stopAndCheck(pipeline, signal, target, List.of(httpPort, kafkaPort));

            assertThat(directory).as("the %s broker's temporary data directory", command).doesNotExist();
        }
    }

    @Test
    void anAggregatorWhoseBrokerWentFirstStopsInTimeAndSaysItSkippedTheFinalCheckpoint() throws Exception {
        String topic = "stop-broker-gone.events";
        int httpPort = KafkaBroker.freePort();
        try (KafkaBroker broker = KafkaBroker.startTemporary()) {
            publish(broker.bootstrapServers(), topic, FleetStream.events(2, 13, 200, 300));
            try (CommandProcess aggregate = CommandProcess.start(LOGS.resolve("aggregate-broker-gone.log"), List.of("aggregate",
                    "--bootstrap-server", broker.bootstrapServers(), "--topic", topic, "--dead-letter-topic", topic + ".dlq",
                    "--http-bind", "127.0.0.1", "--http-port", Integer.toString(httpPort)))) {
                AggregatorEndpoint endpoint = new AggregatorEndpoint(httpPort);
                Await.until("hosts consumed", START_TIMEOUT, () -> endpoint.lastSeqs().size(), hosts -> hosts == 2);
                broker.kill();

                String output = stopAndCheck(aggregate, StopSignal.INT, Target.GROUP, List.of(httpPort));

                assertThat(output).containsPattern(FINAL_CHECKPOINT_SKIPPED);
            }
        }
    }

    @Test
    void aSecondSignalWhileStoppingStopsAtOnceAndStillLeavesNothing() throws Exception {
        int httpPort = KafkaBroker.freePort();
        int kafkaPort = KafkaBroker.freePort();
        // --log -: the parts' logs stay on stderr, where the final checkpoint's being skipped would show.
        try (CommandProcess demo = CommandProcess.start(LOGS.resolve("demo-second-signal.log"), List.of("demo", "--http-port",
                Integer.toString(httpPort), "--kafka-port", Integer.toString(kafkaPort), "--hosts", "2", "--log", "-"))) {
            Path directory = Path.of(demo.awaitOutput(DATA_DIRECTORY, START_TIMEOUT).group(1));
            demo.awaitOutput(Pattern.compile("gemtrack demo is running"), START_TIMEOUT);
            awaitRecords("127.0.0.1:" + kafkaPort, Topics.EVENTS, demo);
            long brokerPid = children(demo).get(0);

            // Ctrl-C stops the demo's broker at once, so the aggregator's final checkpoint waits for it in vain
            // (for seconds, see the test above) until the second Ctrl-C.
            demo.signal(StopSignal.INT, Target.GROUP);
            Await.until("the broker gone first", STOP_LIMIT, () -> ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive),
                    alive -> !alive.orElse(false));
            long second = System.nanoTime();
            demo.signal(StopSignal.INT, Target.PROCESS);
            Optional<Integer> status = demo.awaitExit(STOP_LIMIT);
            Duration took = Duration.ofNanos(System.nanoTime() - second);

            System.out.printf("demo: second SIGINT while stopping, ended %d ms later%n", took.toMillis());
            assertThat(status).as("the demo ended within %d s of the second signal; log:%n%s", STOP_LIMIT.toSeconds(), demo.output())
                    .hasValue(128 + StopSignal.INT.number);
            assertThat(demo.output()).contains("while stopping: stopping at once")
                    .as("ended before the final checkpoint was given up: by the second signal").doesNotContainPattern(FINAL_CHECKPOINT_SKIPPED);
            assertThat(demo.awaitGroupGone(STOP_LIMIT.minus(took))).as("processes of its group left").isEmpty();
            assertThat(CommandProcess.listening(httpPort)).as("web port %d listening", httpPort).isFalse();
            assertThat(directory).as("the demo broker's temporary data directory").doesNotExist();
        }
    }

    /**
     * Signals the command, checks that it ended within {@link #STOP_LIMIT} with the shell's status for the signal, with
     * no process of its group running, nothing listening on {@code ports} and no stack trace in its output; returns
     * that output. First checks that the signal is really delivered: not ignored, and handled by gemtrack.
     */
    private static String stopAndCheck(CommandProcess command, StopSignal signal, Target target, List<Integer> ports)
            throws IOException, InterruptedException {
        assertThat(CommandProcess.ignores(command.pid(), signal)).as("%s ignores SIG%s", command, signal).isFalse();
        assertThat(CommandProcess.catches(command.pid(), signal)).as("%s handles SIG%s", command, signal).isTrue();
        for (int port : ports) {
            assertThat(CommandProcess.listening(port)).as("port %d listening before the signal", port).isTrue();
        }
        long start = System.nanoTime();
        command.signal(signal, target);
        Optional<Integer> status = command.awaitExit(STOP_LIMIT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String output = command.output();
        assertThat(status).as("%s ended within %d s of SIG%s to its %s; its output:%n%s", command, STOP_LIMIT.toSeconds(),
                signal, target, output).isPresent();
        List<Long> left = command.awaitGroupGone(STOP_LIMIT.minus(took));
        System.out.printf("%s: SIG%s to its %s, ended in %d ms, its group gone in %d ms%n", command, signal, target,
                took.toMillis(), Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertThat(left).as("processes of the group of %s left running", command).isEmpty();
        assertThat(status).as("exit status").hasValue(128 + signal.number);
        for (int port : ports) {
            assertThat(CommandProcess.listening(port)).as("port %d listening after the stop", port).isFalse();
        }
        assertThat(output).as("output of %s", command).doesNotContainPattern(STACK_TRACE);
        return output;
    }

    /** The command's child processes (the broker's JVM) get a group's SIGINT and SIGTERM too: they do not ignore them. */
    private static void assertChildrenTakeTheGroupsSignal(CommandProcess command, StopSignal signal) throws IOException {
        List<Long> children = children(command);
        assertThat(children).as("child processes of %s", command).isNotEmpty();
        for (long child : children) {
            assertThat(CommandProcess.ignores(child, signal)).as("child %d of %s ignores SIG%s", child, command, signal).isFalse();
        }
    }

    private static List<Long> children(CommandProcess command) {
        return ProcessHandle.of(command.pid()).orElseThrow().children().map(ProcessHandle::pid).toList();
    }

    private static void publish(String bootstrapServers, String topic, List<Event> events) {
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(bootstrapServers), topic,
                TopicLayout.partitions(PARTITIONS))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
    }

    private static void awaitRecords(String bootstrapServers, String topic, CommandProcess command) throws InterruptedException {
        Await.until("records from " + command + " in " + topic, START_TIMEOUT, () -> {
            if (!command.isAlive()) {
                throw new IllegalStateException(command + " exited; its output:\n" + command.output());
            }
            return endOffsets(bootstrapServers, topic).values().stream().mapToLong(Long::longValue).sum();
        }, records -> records > 0);
    }

    /** The end offset of every partition of {@code topic} that has records. */
    private static Map<Integer, Long> endOffsets(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(KafkaSettings.of(Map.of(KafkaSettings.BOOTSTRAP_SERVERS, bootstrapServers,
                "request.timeout.ms", 2_000, "default.api.timeout.ms", 5_000)).admin())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < Topics.partitions(admin, topic); partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, offsets) -> {
                if (offsets.offset() > 0) {
                    ends.put(partition.partition(), offsets.offset());
                }
            });
            return ends;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the offsets of " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String name(String command, StopSignal signal, Target target) {
        return "stop-" + command + "-" + signal.name().toLowerCase(Locale.ROOT) + "-" + target.name().toLowerCase(Locale.ROOT);
    }

    private static Path log(String command, StopSignal signal, Target target) {
        return LOGS.resolve(name(command, signal, target) + ".log");
    }
}
