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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Case 4 of the hostile-stream issue: a record just under the events topic's limit fits it, but its dead letter, with
 * the headers added, did not fit the dead-letter producer's requests, and was lost. Now the dead-letter producer and
 * topic take the largest record of the events topic with its headers, and a record the events topic took compressed,
 * larger than that, is stored cut to fit and says so.
 */
@ExtendWith(KafkaExtension.class)
class DeadLetterSizeIT {

    private static final String TOPIC = "dead-letter-size-it.events";
    private static final String DEAD_LETTERS = TOPIC + ".dlq";
    private static final String HOST = "host-large";

    @Test
    void deadLetterOfTheLargestRecordTheEventsTopicTakesIsStoredWholeAndALargerCompressedOneCutToFit(TestKafka kafka) throws Exception {
        KafkaSettings settings = KafkaSettings.bootstrap(kafka.bootstrapServers());
        try (Aggregator aggregator = new Aggregator(new Aggregator.Config(settings, "dead-letter-size-it", TOPIC, DEAD_LETTERS,
                "127.0.0.1", 0))) {
            int eventsLimit;
            try (Admin admin = Admin.create(settings.admin())) {
                eventsLimit = Topics.maxMessageBytes(admin, TOPIC).orElseThrow();
                assertThat(Topics.maxMessageBytes(admin, DEAD_LETTERS)).hasValue(DeadLetterPublisher.recordBytesFor(eventsLimit));
            }
            // The batch of one record: 61 bytes of batch header, a few of the record's own, the key.
            byte[] justUnder = garbage(eventsLimit - 61 - 32 - HOST.length());
            byte[] compressible = garbage(4 * eventsLimit);
            try (KafkaProducer<String, byte[]> plain = producer(settings, "none");
                 KafkaProducer<String, byte[]> compressing = producer(settings, "gzip")) {
                plain.send(new ProducerRecord<>(TOPIC, HOST, justUnder)).get();
                compressing.send(new ProducerRecord<>(TOPIC, HOST, compressible)).get();
            }

            Exposition scrape = Exposition.awaitScrape("http://127.0.0.1:" + aggregator.httpPort() + "/metrics",
                    s -> s.sum("gemtrack_dead_letters_total") + s.sum("gemtrack_dead_letter_send_failures_total") == 2);
            assertThat(scrape.value("gemtrack_dead_letters_total", "reason", MalformedEventException.Kind.NOT_JSON.name())).contains(2.0);
            assertThat(scrape.value("gemtrack_dead_letter_send_failures_total")).contains(0.0);

            List<ConsumerRecord<byte[], byte[]>> stored = TopicRecords.readAll(kafka.clientConfig(), DEAD_LETTERS);
            assertThat(stored).hasSize(2);
            assertThat(stored.get(0).value()).isEqualTo(justUnder);
            assertThat(TopicRecords.header(stored.get(0), DeadLetterPublisher.TRUNCATED_HEADER)).isNull();
            assertThat(TopicRecords.header(stored.get(0), DeadLetterPublisher.REASON_HEADER)).isEqualTo("NOT_JSON");
            assertThat(TopicRecords.header(stored.get(1), DeadLetterPublisher.TRUNCATED_HEADER)).isEqualTo(Integer.toString(compressible.length));
            assertThat(stored.get(1).value()).hasSizeLessThan(DeadLetterPublisher.recordBytesFor(eventsLimit))
                    .hasSizeGreaterThan(eventsLimit - DeadLetterPublisher.HEADER_ROOM_BYTES)
                    .isEqualTo(Arrays.copyOf(compressible, stored.get(1).value().length));
        }
    }

    private static KafkaProducer<String, byte[]> producer(KafkaSettings settings, String compression) {
        return new KafkaProducer<>(settings.producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                // The producer checks a record's size before compressing it.
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20)), new StringSerializer(), new ByteArraySerializer());
    }

    private static byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) '#');
        return bytes;
    }
}
