package io.gemtrack.aggregator.kafka;

import io.gemtrack.events.Event;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Told of each record right after its event was applied to the model, on the applier thread: how the benchmark
 * harness measures the time from a record's Kafka timestamp to its effect. Must be quick and must not throw.
 */
@FunctionalInterface
public interface AppliedListener {

    AppliedListener NONE = (record, event) -> { };

    void applied(ConsumerRecord<byte[], byte[]> record, Event event);
}
