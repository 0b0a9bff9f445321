package io.gemtrack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaSettingsTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"gemtrack\" password=\"s3cr3t-pa55\";";

    @TempDir
    Path directory;

    @Test
    void withNothingGivenEveryClientGoesToTheDefaultBrokerWithGemtracksDefaultsForItsKind() {
        KafkaSettings settings = KafkaSettings.builder().build();

        assertThat(settings.producer(Map.of())).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true).containsEntry(ProducerConfig.ACKS_CONFIG, "all");
        assertThat(settings.consumer(Map.of())).containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        assertThat(settings.admin()).containsOnly(Map.entry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"));
        assertThat(settings.warnings()).isEmpty();
    }

    @Test
    void environmentThenFileThenPropertiesThenBootstrapServerEachOverrideTheOneBefore() throws IOException {
        Path file = directory.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nlinger.ms=20\n");

        KafkaSettings settings = KafkaSettings.builder()
                .environment(Map.of("GEMTRACK_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "GEMTRACK_KAFKA_CLIENT_ID", "from-env",
                        "GEMTRACK_KAFKA_BOOTSTRAP_SERVERS", "env:9092", "GEMTRACK_JAVA_OPTS", "-Xmx1g", "PATH", "/bin"))
                .commandConfig(file)
                .property("linger.ms=50")
                .property("sasl.mechanism=PLAIN")
                .property("sasl.mechanism=SCRAM-SHA-256")
                .bootstrapServers("flag:9093")
                .build();

        Map<String, Object> producer = settings.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5));
        assertThat(producer).containsEntry("client.id", "from-env")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
                .containsEntry("linger.ms", "50")
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "flag:9093")
                .doesNotContainKey("java.opts");
        assertThat(settings.bootstrapServers()).isEqualTo("flag:9093");
    }

    @Test
    void bootstrapServersComeFromTheOtherSourcesWhenTheFlagIsNotGiven() {
        KafkaSettings settings = KafkaSettings.builder()
                .environment(Map.of("GEMTRACK_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092"))
                .bootstrapServers(null)
                .build();

        assertThat(settings.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(settings.consumer(Map.of())).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka-1:9092,kafka-2:9092");
    }

    @Test
    void settingsWithoutBrokersCanBePointedAtOneAndKeepTheRest() {
        KafkaSettings settings = KafkaSettings.builder().property("linger.ms=7").build();
        assertThat(settings.namesBootstrapServers()).isFalse();

        KafkaSettings pointed = settings.withBootstrapServers("127.0.0.1:40000");

        assertThat(pointed.namesBootstrapServers()).isTrue();
        assertThat(pointed.producer(Map.of())).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:40000").containsEntry("linger.ms", "7");
        assertThat(KafkaSettings.bootstrap("kafka:9092").namesBootstrapServers()).isTrue();
    }

    @Test
    void aSettingGoesOnlyToTheKindsOfClientThatKnowIt() {
        KafkaSettings settings = KafkaSettings.builder()
                .property("acks=1").property("fetch.min.bytes=1024").property("security.protocol=SSL").build();

        assertThat(settings.producer(Map.of())).containsEntry("acks", "1").doesNotContainKey("fetch.min.bytes");
        assertThat(settings.consumer(Map.of())).containsEntry("fetch.min.bytes", "1024").doesNotContainKey("acks");
        assertThat(settings.admin()).containsEntry("security.protocol", "SSL")
                .doesNotContainKeys("acks", "fetch.min.bytes");
        assertThat(settings.warnings()).isEmpty();
    }

    @Test
    void theOperatorsSettingsOverrideWhatAClientIsForButNotWhatGemtrackSetsItself() {
        KafkaSettings settings = KafkaSettings.builder()
                .property("max.poll.records=10").property("group.id=mine").property("value.deserializer=x.Y").build();

        Map<String, Object> consumer = settings.consumer(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        assertThat(consumer).containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10")
                .doesNotContainKeys(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        assertThat(settings.warnings()).containsExactly(
                "Kafka client setting group.id (from --kafka-property) is ignored: gemtrack sets it itself from --group",
                "Kafka client setting value.deserializer (from --kafka-property) is ignored: gemtrack sets it itself");
    }

    @Test
    void anUnknownNameIsWarnedAboutOnceWithItsSourceAndStillPassedOnForPlugIns() throws IOException {
        Path file = directory.resolve("client.properties");
        Files.writeString(file, "bootstrap.server=typo:9092\n");

        KafkaSettings settings = KafkaSettings.builder().commandConfig(file).build();

        assertThat(settings.warnings()).containsExactly("Kafka client setting bootstrap.server (from " + file
                + ") is unknown to Kafka's producer, consumer and admin client; passed on to them for plug-ins that may read it");
        assertThat(settings.producer(Map.of())).containsEntry("bootstrap.server", "typo:9092");
        assertThat(settings.consumer(Map.of())).containsEntry("bootstrap.server", "typo:9092");
        assertThat(settings.admin()).containsEntry("bootstrap.server", "typo:9092");
    }

    @Test
    void passwordsAreHiddenInTheDescriptionAndRedactedFromErrors() {
        KafkaSettings settings = KafkaSettings.builder()
                .property("security.protocol=SASL_SSL")
                .property("sasl.jaas.config=" + JAAS)
                .property("ssl.truststore.password=trust-me-1")
                .property("my.plugin.secret=plugin-secret-2")
                .build();

        assertThat(settings.describe()).containsExactly("bootstrap.servers=127.0.0.1:9092", "my.plugin.secret=[hidden]",
                "sasl.jaas.config=[hidden]", "security.protocol=SASL_SSL", "ssl.truststore.password=[hidden]");
        assertThat(settings.toString()).doesNotContain("s3cr3t-pa55", "trust-me-1", "plugin-secret-2");
        assertThat(settings.redact("login with " + JAAS + " failed; the password s3cr3t-pa55 and trust-me-1 and plugin-secret-2"))
                .isEqualTo("login with [hidden] failed; the password [hidden] and [hidden] and [hidden]");
    }

    @Test
    void everySettingKafkaTypesAsAPasswordIsSecret() {
        for (String key : List.of("sasl.jaas.config", "ssl.key.password", "ssl.keystore.password", "ssl.truststore.password",
                "ssl.keystore.key", "sasl.oauthbearer.client.credentials.client.secret")) {
            assertThat(KafkaSettings.isSecret(key)).as(key).isTrue();
        }
        assertThat(KafkaSettings.isSecret("sasl.mechanism")).isFalse();
        assertThat(KafkaSettings.isSecret("ssl.truststore.location")).isFalse();
    }

    @Test
    void aMalformedPropertySaysWhatIsWrongWithoutRepeatingIt() {
        assertThatThrownBy(() -> KafkaSettings.builder().property("hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a Kafka client setting must be key=value, as in acks=all; this one has no '='")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> KafkaSettings.builder().property("=hunter2"))
                .hasMessageContaining("no key before its '='").message().doesNotContain("hunter2");
    }

    @Test
    void aMissingCommandConfigFileIsNamed() {
        Path missing = directory.resolve("nope.properties");

        assertThatThrownBy(() -> KafkaSettings.builder().commandConfig(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the Kafka client settings file " + missing);
    }

    @Test
    void environmentVariablesNameSettingsWithDotsAsUnderscores() {
        // The scheme can name every setting only because none has an underscore, a dash or a capital in its name.
        assertThat(ProducerConfig.configNames()).allMatch(key -> key.matches("[a-z0-9.]+"));
        assertThat(ConsumerConfig.configNames()).allMatch(key -> key.matches("[a-z0-9.]+"));
        assertThat(AdminClientConfig.configNames()).allMatch(key -> key.matches("[a-z0-9.]+"));
        KafkaSettings settings = KafkaSettings.builder()
                .environment(Map.of("GEMTRACK_KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "",
                        "GEMTRACK_KAFKA_SASL_JAAS_CONFIG", "x"))
                .build();
        assertThat(settings.admin()).containsEntry("ssl.endpoint.identification.algorithm", "").containsEntry("sasl.jaas.config", "x");
    }
}
