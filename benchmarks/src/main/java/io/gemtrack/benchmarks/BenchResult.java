package io.gemtrack.benchmarks;

import io.gemtrack.benchmarks.BenchCommand.AggregatorRun;
import io.gemtrack.benchmarks.BenchCommand.Runs;
import java.io.PrintWriter;

/** What one {@code gemtrack bench} run measured, and how it compares with the targets of issue 8. */
record BenchResult(long events, double averageRecordBytes, int partitions, Runs<Double> kafkaProducer,
                   Runs<Double> producer, Runs<Double> kafkaConsumer, Runs<AggregatorRun> aggregator, int latencyRate,
                   BenchCommand.Latency latency, long objects, double heapBytesPerObject,
                   BenchCommand.Recovery recovery) {

    Runs<Double> producerRatios() {
        return new Runs<>(producer.cold() / kafkaProducer.cold(), producer.warm() / kafkaProducer.warm());
    }

    Runs<Double> aggregatorRatios() {
        return new Runs<>(aggregator.cold().perSecond() / kafkaConsumer.cold(), aggregator.warm().perSecond() / kafkaConsumer.warm());
    }

    void print(PrintWriter out) {
        out.println();
        out.printf("producer:   %.2f x ProducerPerformance warm, %.2f x cold  (target >= 0.9)%n",
                producerRatios().warm(), producerRatios().cold());
        out.printf("aggregator: %.2f x ConsumerPerformance warm, %.2f x cold  (target >= 0.5)%n",
                aggregatorRatios().warm(), aggregatorRatios().cold());
        out.println();
        out.println("| figure | gemtrack | Kafka tool, same run | ratio | target |");
        out.println("|---|---|---|---|---|");
        out.printf("| producer, events/s (%,d events of %.0f B, %d partitions), warm | %,.0f | ProducerPerformance %,.0f records/s | %.2f | >= 0.9 |%n",
                events, averageRecordBytes, partitions, producer.warm(), kafkaProducer.warm(), producerRatios().warm());
        out.printf("| producer, cold | %,.0f | %,.0f | %.2f | |%n", producer.cold(), kafkaProducer.cold(), producerRatios().cold());
        out.printf("| aggregator, applied events/s, warm | %,.0f | ConsumerPerformance %,.0f records/s (fetch) | %.2f | >= 0.5 |%n",
                aggregator.warm().perSecond(), kafkaConsumer.warm(), aggregatorRatios().warm());
        out.printf("| aggregator, cold | %,.0f | %,.0f | %.2f | |%n",
                aggregator.cold().perSecond(), kafkaConsumer.cold(), aggregatorRatios().cold());
        out.printf("| CPU while the aggregator was timed, warm / cold: machine's busy cores (of %d), gemtrack's, gemtrack's per event, in GC | %s / %s | | | |%n",
                Runtime.getRuntime().availableProcessors(), cpu(aggregator.warm()), cpu(aggregator.cold()));
        out.printf("| end-to-end latency at %,d events/s, p50 / p99 | %d ms / %d ms | bare KafkaConsumer of the same records %d ms / %d ms | %.2f (p99) | p99 <= 50 ms |%n",
                latencyRate, latency.p50Millis(), latency.p99Millis(), latency.kafkaP50Millis(), latency.kafkaP99Millis(),
                (double) latency.p99Millis() / Math.max(1, latency.kafkaP99Millis()));
        out.printf("| heap bytes per live GEM object (%,d objects) | %.0f | | | <= 200 |%n", objects, heapBytesPerObject);
        out.printf("| recovery from a snapshot of %,d objects (%,d bytes) | %.2f s | | | |%n",
                objects, recovery.snapshotBytes(), recovery.seconds());
    }

    private String cpu(AggregatorRun run) {
        CpuUse cpu = run.cpu();
        return String.format("%.2f, %.2f, %.1f µs, %,d ms", cpu.machineCoresBusy(), cpu.processCores(),
                cpu.processCpuMicrosPer(events), cpu.gcMillis());
    }
}
