package io.gemtrack.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.MalformedEventException;
import io.gemtrack.kafka.DeadLetterPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.Topics;
import io.gemtrack.testkit.Exposition;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import io.gemtrack.testkit.TopicRecords;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dead letters are confirmed by the broker: one the dead-letter topic refuses (a real broker's record size limit) is
 * tried {@value DeadLetterPublisher#ATTEMPTS} times, then logged with its source coordinates and counted as a send
 * failure, never as a dead letter stored.
 */
@ExtendWith(KafkaExtension.class)
class DeadLetterSendIT {

    /** Room for a short dead letter and its headers, not for the long one. */
    private static final int DEAD_LETTER_TOPIC_MAX_BYTES = 2_000;

    @Test
    void aDeadLetterTheTopicRefusesIsRetriedLoggedWithItsSourceAndCountedAsASendFailure(TestKafka kafka) throws Exception {
        String topic = "dead-letter-send-it.events";
        String deadLetterTopic = topic + ".dlq";
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        try (Admin admin = Admin.create(settings.admin())) {
            Topics.ensure(admin, new NewTopic(deadLetterTopic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(DEAD_LETTER_TOPIC_MAX_BYTES))));
        }
        byte[] longGarbage = new byte[2 * DEAD_LETTER_TOPIC_MAX_BYTES];
        Arrays.fill(longGarbage, (byte) '#');
        byte[] shortGarbage = "#".getBytes(StandardCharsets.UTF_8);

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        RecordMetadata refused;
        Exposition scrape;
        // slf4j-simple writes to whatever System.err is at the time of the call.
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (Aggregator aggregator = new Aggregator(new Aggregator.Config(settings, "dead-letter-send-it", topic, deadLetterTopic,
                "127.0.0.1", 0));
             KafkaProducer<String, byte[]> raw = new KafkaProducer<>(settings.producer(Map.of()), new StringSerializer(), new ByteArraySerializer())) {
            refused = raw.send(new ProducerRecord<>(topic, "host-a", longGarbage)).get();
            raw.send(new ProducerRecord<>(topic, "host-a", shortGarbage)).get();
            scrape = Exposition.awaitScrape("http://127.0.0.1:" + aggregator.httpPort() + "/metrics",
                    s -> s.sum("gemtrack_dead_letters_total") + s.sum("gemtrack_dead_letter_send_failures_total") == 2);
        } finally {
            System.setErr(stderr);
            // What was logged stays in the test's output too.
            stderr.print(log.toString(StandardCharsets.UTF_8));
        }

        assertThat(scrape.value("gemtrack_dead_letter_send_failures_total")).as("dead letters lost").contains(1.0);
        assertThat(scrape.value("gemtrack_dead_letters_total", "reason", MalformedEventException.Kind.NOT_JSON.name()))
                .as("dead letters stored").contains(1.0);
        List<ConsumerRecord<byte[], byte[]>> stored = TopicRecords.readAll(kafka.clientConfig(), deadLetterTopic);
        assertThat(stored).as("records in the dead-letter topic").hasSize(1);
        assertThat(stored.get(0).value()).isEqualTo(shortGarbage);
        String source = topic + "-" + refused.partition() + "@" + refused.offset();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("ERROR io.gemtrack.kafka.DeadLetterPublisher - the dead letter of "
                + source + " (NOT_JSON) was not stored in " + deadLetterTopic + " after 3 attempts: lost",
                "org.apache.kafka.common.errors.RecordTooLargeException");
    }
}
