package io.gemtrack.aggregator.kafka;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What the consumer reports as records flow: the metrics module implements it, so the consumer depends on no
 * metrics library and the two packages depend one way.
 */
public interface ConsumerMetrics {

    void applied(String type);

    void duplicate();

    void skipped();

    void applyDuration(long nanos);

    /** Whether the consumer is consuming: set when it starts, cleared when it stops, on an error or a close. */
    void consumerUp(boolean up);

    /** The lag of every partition the consumer is assigned now; partitions no longer assigned disappear. */
    void consumerLag(Map<TopicPartition, Long> lagByPartition);
}
