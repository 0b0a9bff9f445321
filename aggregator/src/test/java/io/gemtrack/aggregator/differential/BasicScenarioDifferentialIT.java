package io.gemtrack.aggregator.differential;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.differential.BasicScenarioTruth;
import io.gemtrack.model.differential.HostFigures;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential check end to end: the scenario goes through the real broker into a running aggregator,
 * and every figure, read back through the JSON API, must equal the ground truth.
 */
@ExtendWith(KafkaExtension.class)
class BasicScenarioDifferentialIT {

    @Test
    void figuresServedByARunningAggregatorMatchTheGroundTruth(TestKafka kafka) throws Exception {
        String topic = "differential-it.events";
        String host = "differential-host";
        List<Event> events = BasicScenario.events(host, "boot-1");
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), topic, TopicLayout.partitions(4))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
        try (Aggregator aggregator = new Aggregator(new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()),
                "differential-it", topic, topic + ".dlq", "127.0.0.1", 0))) {
            ApiClient api = new ApiClient(aggregator.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == 1 && hosts.get(0).get("lastSeq").asLong() == events.size() - 1);

            assertThat(HostFigures.fromApi(api, host)).usingRecursiveComparison().isEqualTo(BasicScenarioTruth.figures());
        }
    }
}
