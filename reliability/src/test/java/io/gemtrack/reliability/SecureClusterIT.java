package io.gemtrack.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.gemtrack.broker.BrokerSecurity;
import io.gemtrack.broker.KafkaBroker;
import io.gemtrack.cli.Gemtrack;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.Topics;
import io.gemtrack.testkit.Exposition;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * gemtrack against a broker secured as a production one: SCRAM-SHA-512 logins over TLS, and ACLs, nothing allowed
 * that no ACL allows. With the ACLs the README lists for each command, the pipeline works end to end through the
 * commands' own options ({@code --command-config}); a wrong password, an untrusted certificate and a missing ACL on
 * the dead-letter or checkpoints topic each stop a command within seconds with an error that says what is wrong.
 */
class SecureClusterIT {

    private static final String TOPIC = "secure.events";
    private static final String DEAD_LETTERS = TOPIC + ".dlq";
    private static final String CHECKPOINTS = Topics.checkpointsOf(TOPIC);
    private static final String CHECKPOINT_HISTORY = Topics.checkpointHistoryOf(TOPIC);
    private static final String GROUP = "secure-aggregators";
    /** A user with every ACL the README lists for produce and aggregate. */
    private static final String USER = "gemtrack";
    /** Users each missing one ACL the aggregator needs. */
    private static final String NO_DEAD_LETTERS = "gemtrack-no-dlq";
    private static final String NO_CHECKPOINTS = "gemtrack-no-checkpoints";
    private static final String PASSWORD = "gemtrack-secret-1";
    private static final String WRONG_PASSWORD = "not-the-secret-2";
    /** How soon a refused login must stop a command: seconds, never Kafka's delivery or metadata timeouts. */
    private static final Duration REFUSAL = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "reliability", "secure-cluster");

    @TempDir
    static Path directory;

    private static KafkaBroker broker;

    @BeforeAll
    static void startSecuredBrokerAndCreateTopics() throws Exception {
        broker = KafkaBroker.startTemporary(BrokerSecurity.sasl(BrokerSecurity.Protocol.SASL_SSL)
                .withUser(USER, PASSWORD).withUser(NO_DEAD_LETTERS, PASSWORD).withUser(NO_CHECKPOINTS, PASSWORD).withAcls());
        Path admin = clientProperties("admin", broker.clientConfig());
        Result created = gemtrack("topics", "--create", "--bootstrap-server", broker.bootstrapServers(), "--command-config",
                admin.toString(), "--topic", TOPIC, "--dead-letter-topic", DEAD_LETTERS, "--partitions", "2");
        assertThat(created.status()).as(created.err()).isZero();
        try (Admin client = Admin.create(broker.clientConfig())) {
            List<AclBinding> acls = new ArrayList<>();
            acls.addAll(aggregatorAcls(USER, true, true));
            acls.addAll(aggregatorAcls(NO_DEAD_LETTERS, false, true));
            acls.addAll(aggregatorAcls(NO_CHECKPOINTS, true, false));
            // The producer's: WRITE on the events topic, which implies DESCRIBE and lets an idempotent producer in.
            acls.add(allow(USER, ResourceType.TOPIC, TOPIC, AclOperation.WRITE));
            client.createAcls(acls).all().get();
        }
    }

    /** The aggregator's ACLs as the README lists them, but for those left out. */
    private static List<AclBinding> aggregatorAcls(String user, boolean deadLetters, boolean checkpoints) {
        List<AclBinding> acls = new ArrayList<>(List.of(
                allow(user, ResourceType.TOPIC, TOPIC, AclOperation.READ),
                allow(user, ResourceType.TOPIC, CHECKPOINTS, AclOperation.READ),
                allow(user, ResourceType.TOPIC, CHECKPOINT_HISTORY, AclOperation.READ),
                allow(user, ResourceType.GROUP, GROUP, AclOperation.READ)));
        if (checkpoints) {
            acls.add(allow(user, ResourceType.TOPIC, CHECKPOINTS, AclOperation.WRITE));
            acls.add(allow(user, ResourceType.TOPIC, CHECKPOINT_HISTORY, AclOperation.WRITE));
        }
        if (deadLetters) {
            acls.add(allow(user, ResourceType.TOPIC, DEAD_LETTERS, AclOperation.WRITE));
        }
        return acls;
    }

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void withTheRightLoginAndTheListedAclsEventsGoThroughTheAggregatorToMetrics() throws Exception {
        Path settings = clientProperties(USER, login(USER, PASSWORD));
        List<Event> events = FleetStream.events(2, 5, 1000, 600);
        FromScratchFold fold = FromScratchFold.of(events);

        try (ChildAggregator aggregator = ChildAggregator.start(kafkaOptions(settings), TOPIC, GROUP, Duration.ofSeconds(1),
                ChildAggregator.ROOMY_HEAP, LOGS.resolve("aggregator.log"))) {
            Result produced = gemtrack("produce", "--bootstrap-server", broker.bootstrapServers(), "--command-config",
                    settings.toString(), "--topic", TOPIC, "--hosts", "2", "--seed", "5", "--events", "600", "--rate", "max");
            assertThat(produced.status()).as(produced.err()).isZero();

            AggregatorEndpoint endpoint = aggregator.endpoint();
            Await.until("every host's last seq applied (log: " + aggregator.log() + ")", TIMEOUT, endpoint::lastSeqs,
                    fold.lastSeqs()::equals);
            fold.assertHeldBy(endpoint, fold.hosts());
            assertThat(Exposition.scrape(endpoint.metricsUrl()).sum("gemtrack_events_applied_total"))
                    .as("events applied, as /metrics counts them").isEqualTo(events.size());
        }
    }

    @Test
    void aWrongPasswordStopsEachCommandWithinSecondsSayingAuthenticationFailed() throws IOException {
        Path settings = clientProperties("wrong-password", login(USER, WRONG_PASSWORD));
        for (List<String> command : List.of(List.of("produce", "--events", "10"), List.of("aggregate", "--group", GROUP,
                "--dead-letter-topic", DEAD_LETTERS, "--http-port", "0"))) {
            List<String> arguments = new ArrayList<>(command);
            arguments.addAll(List.of("--bootstrap-server", broker.bootstrapServers(), "--command-config", settings.toString(),
                    "--topic", TOPIC));
            long start = System.nanoTime();
            Result result = gemtrack(arguments.toArray(String[]::new));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(result.status()).as("%s", command).isNotZero();
            assertThat(result.err()).as("%s", command).contains("authentication failed").doesNotContain(WRONG_PASSWORD);
            assertThat(took).as("time until %s gave up", command).isLessThan(REFUSAL);
        }
    }

    @Test
    void aCertificateTheClientDoesNotTrustStopsTheCommandSayingTheTlsHandshakeFailed() throws IOException {
        Map<String, Object> untrusting = new HashMap<>(login(USER, PASSWORD));
        untrusting.keySet().removeIf(key -> key.startsWith("ssl.truststore."));
        Path settings = clientProperties("untrusting", untrusting);

        Result result = gemtrack("produce", "--bootstrap-server", broker.bootstrapServers(), "--command-config",
                settings.toString(), "--topic", TOPIC, "--events", "10");

        assertThat(result.status()).isNotZero();
        assertThat(result.err()).contains("authentication failed: the TLS handshake with the brokers failed");
    }

    @Test
    void aMissingAclOnTheDeadLettersOrTheCheckpointsIsNamedWhenTheAggregatorStarts() throws IOException {
        Map<String, Set<String>> missing = Map.of(NO_DEAD_LETTERS, Set.of("WRITE on topic " + DEAD_LETTERS + " (dead letters)"),
                NO_CHECKPOINTS, Set.of("WRITE on topic " + CHECKPOINTS + " (checkpoints)"));
        for (Map.Entry<String, Set<String>> user : missing.entrySet()) {
            Path settings = clientProperties(user.getKey(), login(user.getKey(), PASSWORD));

            Result result = gemtrack("aggregate", "--bootstrap-server", broker.bootstrapServers(), "--command-config",
                    settings.toString(), "--topic", TOPIC, "--dead-letter-topic", DEAD_LETTERS, "--group", GROUP, "--http-port", "0");

            assertThat(result.status()).as(user.getKey()).isNotZero();
            assertThat(result.err()).as(user.getKey()).contains("not authorized: no ACL allows this principal")
                    .contains(user.getValue());
        }
    }

    private static Map<String, Object> login(String user, String password) {
        return broker.security().clientConfig(broker.bootstrapServers(), user, password);
    }

    private static List<String> kafkaOptions(Path settings) {
        return List.of("--bootstrap-server", broker.bootstrapServers(), "--command-config", settings.toString());
    }

    /** A client properties file for {@code --command-config}, as an operator would write it. */
    private static Path clientProperties(String name, Map<String, Object> settings) throws IOException {
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, value.toString()));
        Path file = directory.resolve(name + ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        return file;
    }

    private record Result(int status, String err) {
    }

    /**
     * Runs a gemtrack command in this JVM, as the launcher would, and returns when it ends; one expected to fail that
     * serves instead fails the test after a minute.
     */
    private static Result gemtrack(String... arguments) {
        return assertTimeoutPreemptively(TIMEOUT, () -> {
            StringWriter err = new StringWriter();
            CommandLine commandLine = Gemtrack.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            commandLine.setOut(new PrintWriter(new StringWriter(), true));
            int status = commandLine.execute(arguments);
            return new Result(status, err.toString());
        }, () -> "gemtrack " + String.join(" ", arguments) + " did not end");
    }
}
