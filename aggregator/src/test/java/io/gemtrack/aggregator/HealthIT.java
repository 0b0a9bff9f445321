package io.gemtrack.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.AppliedListener;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /health} and {@code gemtrack_consumer_up} of an aggregator fed through a real broker: healthy while it
 * consumes, and failed, naming the error, once its applier thread stops on one. The error comes from the applied
 * listener the aggregator calls on that thread for every applied event, which here throws for one host's events.
 */
@ExtendWith(KafkaExtension.class)
class HealthIT {

    private static final String HOST = "health-it-host";
    private static final String BREAKER = "health-it-breaker";

    @Test
    void healthIs200WhileConsumingAnd503NamingTheErrorOnceTheApplierThreadFails(TestKafka kafka) throws Exception {
        String topic = "health-it.events";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        List<Event> events = BasicScenario.events(HOST, "boot-1");
        AppliedListener breaksOnOneHost = (record, event) -> {
            if (event.host().equals(BREAKER)) {
                throw new IllegalStateException("the listener cannot take " + BREAKER);
            }
        };
        Aggregator.Config config = new Aggregator.Config(settings, "health-it", topic, topic + ".dlq", "127.0.0.1", 0);
        try (EventPublisher publisher = new EventPublisher(settings, topic, TopicLayout.partitions(4));
             Aggregator aggregator = new Aggregator(config, breaksOnOneHost)) {
            ApiClient api = new ApiClient(aggregator.httpPort());
            String metrics = "http://127.0.0.1:" + aggregator.httpPort() + "/metrics";
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
            api.await("/api/hosts", hosts -> hosts.size() == 1 && hosts.get(0).get("lastSeq").asLong() == events.size() - 1);

            ApiClient.Answer consuming = api.get("/health");
            assertThat(consuming.status()).isEqualTo(200);
            assertThat(consuming.body().get("state").asText()).isEqualTo("consuming");
            assertThat(consuming.body().has("error")).isFalse();
            assertThat(Exposition.scrape(metrics).value("gemtrack_consumer_up")).hasValue(1.0);
            assertThat(aggregator.failure()).isEmpty();

            publisher.publish(BasicScenario.events(BREAKER, "boot-1").get(0));
            publisher.flushExpectingNoFailure();
            Throwable failure = aggregator.whenFailed().toCompletableFuture().get(60, TimeUnit.SECONDS);

            assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("the listener cannot take " + BREAKER);
            assertThat(aggregator.failure()).containsSame(failure);
            ApiClient.Answer failed = api.get("/health");
            assertThat(failed.status()).isEqualTo(503);
            assertThat(failed.body().get("state").asText()).isEqualTo("failed");
            assertThat(failed.body().get("error").asText())
                    .isEqualTo("java.lang.IllegalStateException: the listener cannot take " + BREAKER);
            assertThat(Exposition.scrape(metrics).value("gemtrack_consumer_up")).hasValue(0.0);
        }
    }
}
