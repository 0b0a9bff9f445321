package io.gemtrack.cli;

import io.gemtrack.aggregator.kafka.AggregatorTopics;
import io.gemtrack.kafka.TopicCheck;
import io.gemtrack.kafka.TopicCheck.Inspected;
import io.gemtrack.kafka.TopicCheck.Need;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gemtrack topics}: for operators who create topics themselves, creates gemtrack's topics as the aggregator
 * would, or describes them and says whether they can serve gemtrack.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create gemtrack's topics (the events, <events>.checkpoints, <events>.checkpoints.history and the dead"
                + " letters) that do not exist"
                + " yet, or describe them and what would keep gemtrack from using them. Existing topics are never changed.",
                "Exit status: 0 when the topics can serve gemtrack, 1 when one cannot (each problem is printed)."})
public final class TopicsCommand implements Callable<Integer> {

    /** Exit status when a topic is missing or cannot serve its role. */
    static final int UNUSABLE = 1;

    private static final List<String> SHOWN_SETTINGS = List.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.RETENTION_MS_CONFIG,
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    /** What to do; one of the two is required. */
    static final class Action {
        @Option(names = "--create", required = true, description = "Create the topics that do not exist yet, then describe them.")
        boolean create;

        @Option(names = "--describe", required = true, description = "Describe the topics.")
        boolean describe;
    }

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Events topic. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--dead-letter-topic", defaultValue = Topics.DEAD_LETTERS,
            description = "Dead-letter topic. Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Mixin
    TopicOptions layout;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() {
        TopicLayout creating = layout.layout();
        AggregatorTopics topics = new AggregatorTopics(topic, deadLetterTopic);
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(kafka.settings().admin())) {
            if (action.create) {
                topics.create(admin, creating);
            }
            List<Need> needs = topics.layoutNeeds();
            Map<String, Inspected> inspected = TopicCheck.inspect(admin, needs.stream().map(Need::topic).toList());
            for (Need need : needs) {
                Inspected found = inspected.get(need.topic());
                if (found != null) {
                    out.println(describe(found, need));
                }
            }
            List<String> problems = TopicCheck.problems(inspected, topic, needs);
            if (!problems.isEmpty()) {
                out.println("cannot serve gemtrack as they are:");
                problems.forEach(problem -> out.println("  - " + problem));
            }
            out.flush();
            return problems.isEmpty() ? 0 : UNUSABLE;
        }
    }

    private static String describe(Inspected topic, Need need) {
        String settings = topic.configs().isEmpty() ? "settings not readable (no DESCRIBE_CONFIGS)"
                : SHOWN_SETTINGS.stream().map(key -> key + "=" + topic.configs().getOrDefault(key, "?"))
                .collect(Collectors.joining(", "));
        return String.format("%s (%s): %d partitions, replication factor %d, %s%n  this principal may: %s", topic.name(),
                need.role(), topic.partitions(), topic.replicationFactor(), settings,
                topic.allowed().stream().map(Enum::name).sorted().collect(Collectors.joining(", ")));
    }
}
