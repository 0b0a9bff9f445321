package io.gemtrack.aggregator.kafka;

import io.gemtrack.kafka.HiddenTopicException;
import io.gemtrack.kafka.TopicCheck;
import io.gemtrack.kafka.TopicCheck.Need;
import io.gemtrack.kafka.TopicCheck.Role;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.kafka.Topics;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;

/**
 * The three topics an aggregator works with: the events it consumes, the checkpoints it writes and reads
 * ({@code <events>.checkpoints}, partitioned like the events), and the dead letters it writes.
 */
public record AggregatorTopics(String events, String deadLetters) {

    public String checkpoints() {
        return Topics.checkpointsOf(events);
    }

    /**
     * Creates those of the topics that do not exist yet with {@code layout} (the checkpoints with as many partitions as
     * the events topic has), and returns once all of them take writes. Existing topics are left as they are.
     */
    public void create(Admin admin, TopicLayout layout) {
        Topics.ensure(admin, Topics.events(events, layout), Topics.deadLetters(deadLetters, layout));
        Topics.ensure(admin, Topics.checkpoints(checkpoints(), Topics.partitions(admin, events), layout,
                CheckpointStore.MAX_CHECKPOINT_BYTES));
    }

    /**
     * What an aggregator needs of each topic: its role's layout, and, of the principal it runs as, READ on the events,
     * READ and WRITE on the checkpoints, WRITE on the dead letters (each of which implies DESCRIBE).
     */
    public List<Need> aggregatorNeeds() {
        return List.of(new Need(events, Role.EVENTS, Set.of(AclOperation.READ)),
                new Need(checkpoints(), Role.CHECKPOINTS, Set.of(AclOperation.READ, AclOperation.WRITE)),
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
     */
    public void prepareForAggregator(Admin admin, TopicLayout layout) {
        try {
            create(admin, layout);
        } catch (HiddenTopicException e) {
            throw TopicCheck.explain(e, aggregatorNeeds());
        }
        TopicCheck.require(admin, events, aggregatorNeeds());
    }
}
