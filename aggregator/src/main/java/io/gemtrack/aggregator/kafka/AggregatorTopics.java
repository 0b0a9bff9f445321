package io.gemtrack.aggregator.kafka;

import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.HiddenTopicException;
import io.gemtrack.kafka.TopicCheck;
import io.gemtrack.kafka.TopicCheck.Need;
import io.gemtrack.kafka.TopicCheck.Role;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics an aggregator works with: the events it consumes, the checkpoints it writes and reads
 * ({@code <events>.checkpoints}, partitioned like the events), the history of checkpoints it writes and time travel
 * reads ({@code <events>.checkpoints.history}, partitioned like the events), and the dead letters it writes.
 */
public record AggregatorTopics(String events, String deadLetters) {

    private static final Logger log = LoggerFactory.getLogger(AggregatorTopics.class);
    /** The broker's {@code message.max.bytes} unless configured: a megabyte and a record batch's overhead. */
    private static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;

    public String checkpoints() {
        return Topics.checkpointsOf(events);
    }

    public String checkpointHistory() {
        return Topics.checkpointHistoryOf(events);
    }

    /**
     * Creates those of the topics that do not exist yet with {@code layout} (the checkpoints and their history with as
     * many partitions as the events topic has, the history kept as long as the layout says or else as long as the
     * events topic keeps its records, the dead letters with room for a dead letter of the events topic's largest record), and
     * returns once all of them take writes. Existing topics are left as they are.
     *
     * @return the largest dead letter to send: {@link DeadLetterPublisher#recordBytesFor} the events topic's largest record
     */
    public int create(Admin admin, TopicLayout layout) {
        Topics.ensure(admin, Topics.events(events, layout));
        int deadLetterBytes = DeadLetterPublisher.recordBytesFor(knownMaxMessageBytes(admin, events));
        int partitions = Topics.partitions(admin, events);
        long historyRetentionMs = layout.checkpointHistoryRetention().map(Duration::toMillis).orElseGet(() -> eventsRetentionMs(admin));
        Topics.ensure(admin, Topics.deadLetters(deadLetters, layout, deadLetterBytes),
                Topics.checkpoints(checkpoints(), partitions, layout, CheckpointStore.MAX_CHECKPOINT_BYTES),
                Topics.checkpointHistory(checkpointHistory(), partitions, layout, CheckpointStore.MAX_CHECKPOINT_BYTES, historyRetentionMs));
        Topics.maxMessageBytes(admin, deadLetters).ifPresent(deadLetterTopicBytes -> {
            if (deadLetterTopicBytes < deadLetterBytes) {
                // An existing topic's settings are its owner's; what this costs is said, and counted when it happens.
                log.warn("the dead-letter topic {} takes records of at most {} bytes, fewer than the {} a dead letter of the"
                        + " largest record of {} needs: larger dead letters will be lost (gemtrack_dead_letter_send_failures_total)",
                        deadLetters, deadLetterTopicBytes, deadLetterBytes, events);
            }
        });
        return deadLetterBytes;
    }

    /** The events topic's retention, or for ever for a principal that may not describe its configuration. */
    private long eventsRetentionMs(Admin admin) {
        return Topics.retentionMs(admin, events).orElseGet(() -> {
            log.warn("not allowed to describe the configuration of topic {} (DESCRIBE_CONFIGS): its checkpoint history {}, if"
                    + " created, keeps its records for ever", events, checkpointHistory());
            return -1;
        });
    }

    /** A topic's largest record, or the broker's default for a principal that may not describe its configuration. */
    private static int knownMaxMessageBytes(Admin admin, String topic) {
        return Topics.maxMessageBytes(admin, topic).orElseGet(() -> {
            log.warn("not allowed to describe the configuration of topic {} (DESCRIBE_CONFIGS): dead letters sized for"
                    + " Kafka's default record size of {} bytes", topic, KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
            return KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
        });
    }

    /**
     * What an aggregator needs of each topic: its role's layout, and, of the principal it runs as, READ on the events,
     * READ and WRITE on the checkpoints and their history, WRITE on the dead letters (each of which implies DESCRIBE).
     */
    public List<Need> aggregatorNeeds() {
        return List.of(new Need(events, Role.EVENTS, Set.of(AclOperation.READ)),
                new Need(checkpoints(), Role.CHECKPOINTS, Set.of(AclOperation.READ, AclOperation.WRITE)),
                new Need(checkpointHistory(), Role.CHECKPOINT_HISTORY, Set.of(AclOperation.READ, AclOperation.WRITE)),
                new Need(deadLetters, Role.DEAD_LETTERS, Set.of(AclOperation.WRITE)));
    }

    /** The topics' roles alone, whoever looks: for an operator checking topics they created. */
    public List<Need> layoutNeeds() {
        return aggregatorNeeds().stream().map(need -> new Need(need.topic(), need.role(), Set.of())).toList();
    }

    /**
     * What an aggregator does before it starts: {@link #create} what does not exist, then fail, naming every problem,
     * unless the topics can serve and an aggregator running as this principal may use them. A topic it can neither see
     * nor create is named with the ACLs it needs.
     *
     * @return the largest dead letter to send, as {@link #create} returns it
     */
    public int prepareForAggregator(Admin admin, TopicLayout layout) {
        int deadLetterBytes;
        try {
            deadLetterBytes = create(admin, layout);
        } catch (HiddenTopicException e) {
            throw TopicCheck.explain(e, aggregatorNeeds());
        }
        TopicCheck.require(admin, events, aggregatorNeeds());
        return deadLetterBytes;
    }
}
