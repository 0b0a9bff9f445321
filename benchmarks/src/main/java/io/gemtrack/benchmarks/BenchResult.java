package io.gemtrack.benchmarks;

import java.io.PrintWriter;

/** What one {@code gemtrack bench} run measured, and how it compares with the targets of issue 8. */
record BenchResult(long events, double averageRecordBytes, int partitions, double kafkaProducerPerSecond,
                   double producerPerSecond, double kafkaConsumerPerSecond, double aggregatorPerSecond, int latencyRate,
                   BenchCommand.Latency latency, long objects, double heapBytesPerObject,
                   BenchCommand.Recovery recovery) {

    double producerRatio() {
        return producerPerSecond / kafkaProducerPerSecond;
    }

    double aggregatorRatio() {
        return aggregatorPerSecond / kafkaConsumerPerSecond;
    }

    void print(PrintWriter out) {
        out.println();
        out.printf("producer:   %.2f x ProducerPerformance  (target >= 0.9)%n", producerRatio());
        out.printf("aggregator: %.2f x ConsumerPerformance  (target >= 0.8)%n", aggregatorRatio());
        out.println();
        out.println("| figure | gemtrack | Kafka tool, same run | ratio | target |");
        out.println("|---|---|---|---|---|");
        out.printf("| producer, events/s (%,d events of %.0f B, %d partitions) | %,.0f | ProducerPerformance %,.0f records/s | %.2f | >= 0.9 |%n",
                events, averageRecordBytes, partitions, producerPerSecond, kafkaProducerPerSecond, producerRatio());
        out.printf("| aggregator, applied events/s | %,.0f | ConsumerPerformance %,.0f records/s (fetch) | %.2f | >= 0.8 |%n",
                aggregatorPerSecond, kafkaConsumerPerSecond, aggregatorRatio());
        out.printf("| end-to-end latency at %,d events/s, p50 / p99 | %d ms / %d ms | bare KafkaConsumer of the same records %d ms / %d ms | %.2f (p99) | p99 <= 50 ms |%n",
                latencyRate, latency.p50Millis(), latency.p99Millis(), latency.kafkaP50Millis(), latency.kafkaP99Millis(),
                (double) latency.p99Millis() / Math.max(1, latency.kafkaP99Millis()));
        out.printf("| heap bytes per live GEM object (%,d objects) | %.0f | | | <= 200 |%n", objects, heapBytesPerObject);
        out.printf("| recovery from a snapshot of %,d objects (%,d bytes) | %.2f s | | | |%n",
                objects, recovery.snapshotBytes(), recovery.seconds());
    }
}
