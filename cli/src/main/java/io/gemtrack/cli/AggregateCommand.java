package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.kafka.Topics;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code gemtrack aggregate}: runs an aggregator until a stop signal (see {@link Shutdown}), or until its consumer fails: then it prints a line
 * naming the error (the log above has its stack trace), goes on answering {@code /health} with 503 for
 * {@code --linger-after-failure}, and exits with status {@value #CONSUMER_FAILED}, so that a supervisor starts it
 * again and it recovers from its checkpoints.
 */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = "Consume events into per-host models; serve Prometheus /metrics and the JSON API.")
public final class AggregateCommand implements Callable<Integer> {

    /** The exit status after the consumer stopped on an error. */
    static final int CONSUMER_FAILED = 1;

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Events topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTERS,
            description = "Where records that cannot be applied go. Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Option(names = "--group", defaultValue = Aggregator.Config.DEFAULT_GROUP_ID,
            description = "Consumer group; aggregators in one group share the hosts. Default: ${DEFAULT-VALUE}.")
    String groupId;

    @Option(names = "--http-port", defaultValue = "" + Aggregator.Config.DEFAULT_HTTP_PORT,
            description = "Port of /metrics, the API and the web view (0: any free port). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--http-bind", defaultValue = "0.0.0.0", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String httpBind;

    @Option(names = "--top-processes", defaultValue = "" + AggregatorMetrics.DEFAULT_TOP_PROCESSES,
            description = "Processes per host (and policy) with metric series of their own; the rest are summed "
                    + "as pid=\"other\", so series stay bounded. Default: ${DEFAULT-VALUE}.")
    int topProcesses;

    @Option(names = "--checkpoint-interval", defaultValue = "30s", converter = DurationConverter.class,
            description = "How often the models of the owned hosts are written to the checkpoints topic: a number with ms, s, m"
                    + " or h. A restarted aggregator, or one taking over hosts, replays what came after. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-history-interval", defaultValue = "10m", paramLabel = "DURATION",
            description = "How often the checkpoints also go to the checkpoint history topic (<topic>.checkpoints.history),"
                    + " which time travel (?at=, gemtrack replay) folds from: a number with ms, s, m or h; 0 writes no history."
                    + " Default: ${DEFAULT-VALUE}.")
    String checkpointHistoryInterval;

    @Option(names = "--host-stale-after", defaultValue = "5m", converter = DurationConverter.class,
            description = "A host none of whose records arrived for this long is shown stale (the API's stale field; "
                    + "gemtrack_host_last_event_age_seconds has the time). Default: ${DEFAULT-VALUE}.")
    Duration hostStaleAfter;

    @Option(names = "--host-drop-after", defaultValue = "1h", converter = DurationConverter.class,
            description = "A host none of whose records arrived for this long is dropped: its model, its series and its "
                    + "checkpoint, so a restart does not bring it back. Longer than --host-stale-after. Default: ${DEFAULT-VALUE}.")
    Duration hostDropAfter;

    @Option(names = "--linger-after-failure", defaultValue = "5s", converter = DurationConverter.class,
            description = "When the event consumer fails, how long /health goes on answering 503 and /metrics "
                    + "gemtrack_consumer_up 0 before the process exits with status 1, so that a probe or a scrape records "
                    + "why. Default: ${DEFAULT-VALUE}.")
    Duration lingerAfterFailure;

    @Mixin
    TopicOptions topics;

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (topProcesses < 0) {
            throw new ParameterException(spec.commandLine(), "--top-processes must be 0 or more, not " + topProcesses);
        }
        if (hostDropAfter.compareTo(hostStaleAfter) <= 0) {
            throw new ParameterException(spec.commandLine(), "--host-drop-after (" + DurationConverter.format(hostDropAfter)
                    + ") must be longer than --host-stale-after (" + DurationConverter.format(hostStaleAfter) + ")");
        }
        Duration historyInterval = checkpointHistoryInterval();
        Ports.requireValid(spec, "--http-port", httpPort);
        Ports.requireFree("--http-port", httpBind, httpPort);
        kafka.requireReachable();
        Aggregator.Config config = new Aggregator.Config(kafka.settings(), groupId, topic, deadLetterTopic, httpBind,
                httpPort, topProcesses, checkpointInterval, new HostActivity.Expiry(hostStaleAfter, hostDropAfter), topics.layout(),
                historyInterval);
        try (Aggregator aggregator = new Aggregator(config)) {
            System.out.printf("aggregator consuming %s from %s; web view at http://localhost:%3$d/, metrics at "
                    + "http://localhost:%3$d/metrics%n", topic, kafka.settings().bootstrapServers(), aggregator.httpPort());
            CompletableFuture.anyOf(aggregator.whenFailed().toCompletableFuture(), Shutdown.stopRequest().whenMade()).get();
            if (aggregator.failure().isPresent()) {
                spec.commandLine().getErr().println(failureMessage(aggregator.failure().get()));
                lingerUnlessStopped();
                return CONSUMER_FAILED;
            }
        }
        return 0;
    }

    /** {@code --checkpoint-history-interval}: a duration, or {@link Duration#ZERO} for no history. */
    Duration checkpointHistoryInterval() {
        if (checkpointHistoryInterval.equals("0")) {
            return Duration.ZERO;
        }
        try {
            return new DurationConverter().convert(checkpointHistoryInterval);
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), "--checkpoint-history-interval: " + e.getMessage() + ", or 0 for none");
        }
    }

    /** Keeps answering {@code /health} with 503 for a while, so a probe or a scrape records why; a signal cuts it short. */
    private void lingerUnlessStopped() throws InterruptedException, ExecutionException {
        try {
            Shutdown.stopRequest().whenMade().get(lingerAfterFailure.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Lingered the whole time: nobody asked to stop sooner.
        }
    }

    /** The one line that tells why an aggregator stopped on its own. */
    static String failureMessage(Throwable failure) {
        return "gemtrack: stopping: the aggregator's event consumer failed: " + failure + " (the log above has its stack trace)";
    }
}
