package io.gemtrack.aggregator;

import io.gemtrack.testkit.KafkaBackend;

/** The walking-skeleton checks against a Testcontainers {@code apache/kafka} broker; skipped where no Docker engine answers. */
@KafkaBackend(KafkaBackend.Backend.TESTCONTAINERS)
class PipelineTestcontainersIT extends PipelineIT {
}
