package io.gemtrack.aggregator.differential;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.differential.HostFigures;
import io.gemtrack.producer.scenario.Scenario;
import io.gemtrack.producer.scenario.Scenarios;
import io.gemtrack.producer.sim.HostSimulation;
import io.gemtrack.producer.truth.HostTruth;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential check end to end: every scenario, a few seeds each, one emulated host per pair, through the
 * real broker into a running aggregator; every figure read back through the JSON API must equal the emulator's
 * ground truth after the host's last event.
 */
@ExtendWith(KafkaExtension.class)
class EmulatorDifferentialIT {

    private static final int SEEDS = 3;
    private static final long EVENTS_PER_HOST = 3_000;
    private static final long SNAPSHOT_EVERY = 500;

    @Test
    void figuresServedForEveryScenarioMatchTheGroundTruth(TestKafka kafka) throws Exception {
        String topic = "emulator-differential-it.events";
        Map<String, HostTruth> truths = new HashMap<>();
        List<Event> events = new ArrayList<>();
        for (String scenario : Scenarios.names()) {
            List<Scenario> scenarios = Scenarios.parse(scenario);
            for (long seed = 1; seed <= SEEDS; seed++) {
                HostSimulation host = new HostSimulation(scenario + "-" + seed, seed, scenarios, seed == SEEDS, SNAPSHOT_EVERY);
                while (host.events() < EVENTS_PER_HOST) {
                    events.addAll(host.step());
                }
                truths.put(host.host(), host.truth());
            }
        }
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), topic, TopicLayout.partitions(4))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
        try (Aggregator aggregator = new Aggregator(new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()),
                "emulator-differential-it", topic, topic + ".dlq", "127.0.0.1", 0))) {
            ApiClient api = new ApiClient(aggregator.httpPort());
            api.await("/api/hosts", hosts -> hosts.size() == truths.size() && allCaughtUp(hosts, truths));

            for (HostTruth truth : truths.values()) {
                assertThat(HostFigures.fromApi(api, truth.host())).as("host %s", truth.host())
                        .usingRecursiveComparison().isEqualTo(HostFigures.fromTruth(truth));
            }
        }
    }

    private static boolean allCaughtUp(JsonNode hosts, Map<String, HostTruth> truths) {
        for (JsonNode host : hosts) {
            if (host.get("lastSeq").asLong() != truths.get(host.get("host").asText()).seq()) {
                return false;
            }
        }
        return true;
    }
}
