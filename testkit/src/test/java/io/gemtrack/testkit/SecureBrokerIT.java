package io.gemtrack.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gemtrack.broker.BrokerSecurity;
import io.gemtrack.broker.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker secured as a production one: SCRAM-SHA-512 logins over TLS with a certificate made for the run,
 * and ACLs. The right login with an ACL works; a wrong password, an untrusted certificate and a missing ACL are refused.
 */
class SecureBrokerIT {

    private static final String USER = "secure-it";
    private static final String PASSWORD = "secure-it-password";
    private static final String TOPIC = "secure-it.topic";
    private static final Duration REFUSAL = Duration.ofSeconds(10);

    private static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.startTemporary(BrokerSecurity.sasl(BrokerSecurity.Protocol.SASL_SSL).withUser(USER, PASSWORD).withAcls());
        try (Admin admin = Admin.create(broker.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1), new NewTopic(TOPIC + ".forbidden", 1, (short) 1))).all().get();
            admin.createAcls(List.of(
                    allow(new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL), AclOperation.WRITE),
                    allow(new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL), AclOperation.READ),
                    allow(new ResourcePattern(ResourceType.GROUP, USER, PatternType.LITERAL), AclOperation.READ))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static AclBinding allow(ResourcePattern resource, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry("User:" + USER, "*", operation, AclPermissionType.ALLOW));
    }

    private static Map<String, Object> as(String user, String password) {
        return broker.security().clientConfig(broker.bootstrapServers(), user, password);
    }

    @Test
    void theRightLoginWithAnAclWritesAndReads() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(as(USER, PASSWORD), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "key", "secret value")).get();
        }
        Map<String, Object> config = new HashMap<>(as(USER, PASSWORD));
        config.put("group.id", USER);
        config.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<String> values = new ArrayList<>();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            assertThat(values).containsExactly("secret value");
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithinSeconds() {
        long start = System.nanoTime();
        try (Admin admin = Admin.create(as(USER, "not-the-password"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SaslAuthenticationException.class)
                    .hasMessageContaining("Authentication failed");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REFUSAL);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() {
        Map<String, Object> config = new HashMap<>(as(USER, PASSWORD));
        config.keySet().removeIf(key -> key.startsWith("ssl.truststore."));
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void aTopicWithoutAnAclIsRefusedByName() {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(as(USER, PASSWORD), new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC + ".forbidden", "key", "value")).get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(TOPIC + ".forbidden");
        }
    }
}
