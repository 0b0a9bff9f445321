package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every API route against a running aggregator fed through the real broker with {@link BasicScenario}: client
 * 200 created the 8 MiB buffer 1 and shares it with compositor 100, which imported it.
 */
@ExtendWith(KafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {

    private static final String HOST = "api-it-host";
    private static final long MIB = 1L << 20;

    private Aggregator aggregator;
    private ApiClient api;

    @BeforeAll
    void startAggregatorOnTheScenario(TestKafka kafka) throws Exception {
        String topic = "api-it.events";
        List<Event> events = BasicScenario.events(HOST, "boot-1");
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), topic, TopicLayout.partitions(4))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
        aggregator = new Aggregator(new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()),
                "api-it", topic, topic + ".dlq", "127.0.0.1", 0));
        api = new ApiClient(aggregator.httpPort());
        api.await("/api/hosts", hosts -> hosts.size() == 1 && hosts.get(0).get("lastSeq").asLong() == events.size() - 1);
    }

    @AfterAll
    void stopAggregator() throws InterruptedException {
        aggregator.close();
    }

    @Test
    void hostsShowTotalsUnaccountedBytesPerPolicyAndSyncState() {
        JsonNode host = ok("/api/hosts").get(0);

        assertThat(host.get("host").asText()).isEqualTo(HOST);
        assertThat(host.get("synchronised").asBoolean()).isTrue();
        assertThat(host.get("sequenceGaps").asLong()).isZero();
        assertThat(host.get("gemObjects").asLong()).isEqualTo(1);
        assertThat(host.get("gemBytes").asLong()).isEqualTo(8 * MIB);
        assertThat(host.get("residentBytes").asLong()).isEqualTo(8 * MIB);
        assertThat(host.get("orphanedBytes").asLong()).isZero();
        assertThat(longs(host.get("unaccounted"))).isEqualTo(Map.of("rss", 8 * MIB, "rfc", 0L, "resident", 0L,
                "proportional", 0L, "holder", 0L, "freeable", 8 * MIB));
        assertThat(host.get("overcharged").get("holder").asLong()).isEqualTo(8 * MIB);
        assertThat(host.get("regions").findValues("region")).extracting(JsonNode::asText).containsExactly("system", "vram");
        assertThat(host.get("regions").get(1).get("residentBytes").asLong()).isEqualTo(8 * MIB);
    }

    /** Non-zero figures are the emulator's: EmulatorDifferentialIT compares them with its truth through this API. */
    @Test
    void whereNoDriverReportsStatusOrItsOwnUseTheFiguresAreZeroAndRegionsShowNoDeviceUse() {
        JsonNode host = ok("/api/hosts").get(0);

        assertThat(longs(host.get("status"))).isEqualTo(Map.of("purgeable", 0L, "active", 0L, "evicted", 0L));
        assertThat(host.get("status").fieldNames()).toIterable().containsExactly("purgeable", "active", "evicted");
        assertThat(host.get("deviceUsedBytes").asLong()).isZero();
        assertThat(host.get("unattributedDeviceBytes").asLong()).isZero();
        assertThat(host.get("gpuActiveBytes").asLong()).isZero();
        assertThat(host.get("gpuReclaimBytes").asLong()).isZero();
        host.get("regions").forEach(region -> {
            assertThat(region.get("deviceUsedBytes").isNull()).isTrue();
            assertThat(region.get("unattributedBytes").isNull()).isTrue();
        });
        JsonNode client = ok("/api/hosts/" + HOST + "/processes/200");
        assertThat(longs(client.get("status"))).isEqualTo(Map.of("purgeable", 0L, "active", 0L, "evicted", 0L));
        assertThat(longs(client.get("buffers").get(0).get("status"))).isEqualTo(Map.of("purgeable", 0L, "active", 0L, "evicted", 0L));
    }

    @Test
    void policiesAreNamedInTheOrderOfEveryPerPolicyMap() {
        List<String> policies = new ArrayList<>();
        ok("/api/policies").forEach(policy -> policies.add(policy.asText()));

        assertThat(policies).containsExactly("rss", "rfc", "resident", "proportional", "holder", "freeable");
        assertThat(ok("/api/hosts").get(0).get("unaccounted").fieldNames()).toIterable().containsExactlyElementsOf(policies);
    }

    @Test
    void oneHostIsAnsweredAsInTheList() {
        assertThat(ok("/api/hosts/" + HOST)).isEqualTo(ok("/api/hosts").get(0));
    }

    @Test
    void buffersListEveryBufferWithItsCreatorAndHolders() {
        JsonNode buffers = ok("/api/hosts/" + HOST + "/buffers").get("buffers");

        assertThat(buffers.findValues("object")).extracting(JsonNode::asLong).containsExactly(1L);
        assertThat(buffers.get(0)).isEqualTo(ok("/api/hosts/" + HOST + "/buffers/1"));
    }

    @Test
    void historyHoldsGemAndUnaccountedBytesAsColumns() throws InterruptedException {
        JsonNode history = api.await("/api/hosts/" + HOST + "/history", answer -> answer.get("epochMillis").size() > 0);

        assertThat(history.get("intervalMillis").asLong()).isEqualTo(5_000);
        assertThat(history.get("windowMillis").asLong()).isEqualTo(300_000);
        int samples = history.get("epochMillis").size();
        assertThat(history.get("gemBytes")).hasSize(samples);
        assertThat(history.get("gemBytes").get(samples - 1).asLong()).isEqualTo(8 * MIB);
        assertThat(history.get("unaccounted").get("rss").get(samples - 1).asLong()).isEqualTo(8 * MIB);
        assertThat(history.get("unaccounted").get("rfc").get(samples - 1).asLong()).isZero();
    }

    @Test
    void processesAreSortedByWhatThePolicyCharges() {
        JsonNode rfc = ok("/api/hosts/" + HOST + "/processes?policy=rfc");
        assertThat(rfc.get("policy").asText()).isEqualTo("rfc");
        assertThat(rfc.get("processes").findValues("pid")).extracting(JsonNode::asInt).containsExactly(200, 100);
        assertThat(rfc.get("processes").findValues("chargedBytes")).extracting(JsonNode::asLong).containsExactly(8 * MIB, 0L);

        JsonNode proportional = ok("/api/hosts/" + HOST + "/processes?policy=proportional");
        assertThat(proportional.get("processes").findValues("pid")).extracting(JsonNode::asInt).containsExactly(100, 200);
        assertThat(proportional.get("processes").findValues("chargedBytes")).extracting(JsonNode::asLong)
                .containsExactly(4 * MIB, 4 * MIB);
    }

    @Test
    void processShowsItsBuffersWithTheirHolders() {
        JsonNode client = ok("/api/hosts/" + HOST + "/processes/200");

        assertThat(client.get("comm").asText()).isEqualTo("client");
        assertThat(client.get("counters").get("anonBytes").asLong()).isEqualTo(24 * MIB);
        assertThat(longs(client.get("charges"))).isEqualTo(Map.of("rss", 0L, "rfc", 8 * MIB, "resident", 8 * MIB,
                "proportional", 4 * MIB, "holder", 8 * MIB, "freeable", 0L));
        assertThat(client.get("buffers").findValues("object")).extracting(JsonNode::asLong).containsExactly(1L);
        assertThat(client.get("buffers").get(0).get("holders").findValues("pid")).extracting(JsonNode::asInt)
                .containsExactly(100, 200);
    }

    @Test
    void bufferShowsItsHoldersAndWhatEachIsChargedForIt() {
        JsonNode buffer = ok("/api/hosts/" + HOST + "/buffers/1");

        assertThat(buffer.get("region").asText()).isEqualTo("vram");
        assertThat(buffer.get("creatorPid").asInt()).isEqualTo(200);
        assertThat(buffer.get("creatorCharges").get("rfc").asLong()).isEqualTo(8 * MIB);
        assertThat(buffer.get("dmaBufs").asInt()).isEqualTo(1);
        JsonNode holders = buffer.get("holders");
        assertThat(holders.findValues("pid")).extracting(JsonNode::asInt).containsExactly(100, 200);
        assertThat(holders.findValues("references")).extracting(JsonNode::asInt).containsExactly(1, 2);
        assertThat(holders.get(0).get("charges").get("proportional").asLong()).isEqualTo(4 * MIB);
        assertThat(holders.get(1).get("charges").get("holder").asLong()).isEqualTo(8 * MIB);
    }

    @Test
    void oomRankingUnderAPolicyNamesTheVictimAndTheBestVictim() {
        JsonNode ranking = ok("/api/hosts/" + HOST + "/oom?policy=rfc");

        assertThat(ranking.get("policy").asText()).isEqualTo("rfc");
        assertThat(ranking.get("totalPages").asLong()).isZero();
        assertThat(ranking.get("candidates").findValues("pid")).extracting(JsonNode::asInt).containsExactly(100, 200);
        // (48 MiB rss + 1 MiB page tables) / 4 KiB and (32 MiB + 8 MiB charged + 1 MiB) / 4 KiB
        assertThat(ranking.get("candidates").findValues("points")).extracting(JsonNode::asLong).containsExactly(12544L, 10496L);
        assertThat(ranking.get("victim").get("pid").asInt()).isEqualTo(100);
        assertThat(ranking.get("victim").get("freedBytes").asLong()).isEqualTo(33 * MIB);
        assertThat(ranking.get("bestVictim").get("pid").asInt()).isEqualTo(100);
        assertThat(ranking.get("mismatch").asBoolean()).isFalse();
    }

    @Test
    void oomWithoutAPolicyComparesTheVictimsOfAllPolicies() {
        JsonNode comparison = ok("/api/hosts/" + HOST + "/oom");

        assertThat(comparison.get("bestVictim").get("pid").asInt()).isEqualTo(100);
        JsonNode policies = comparison.get("policies");
        assertThat(policies.fieldNames()).toIterable()
                .containsExactly("rss", "rfc", "resident", "proportional", "holder", "freeable");
        policies.forEach(choice -> assertThat(choice.get("victim").get("pid").asInt()).isEqualTo(100));
    }

    @Test
    void whatIfKilledShowsWhatWouldBeFreedAndWhoKeepsTheRestAlive() {
        JsonNode whatIf = ok("/api/hosts/" + HOST + "/processes/200/what-if-killed");

        assertThat(whatIf.get("freedBytes").asLong()).isEqualTo(25 * MIB);
        assertThat(whatIf.get("freedObjects")).isEmpty();
        assertThat(whatIf.get("stillHeld").get(0).get("object").asLong()).isEqualTo(1);
        assertThat(whatIf.get("stillHeld").get(0).get("holdersLeft")).extracting(JsonNode::asInt).containsExactly(100);
    }

    @Test
    void checkpointIsTheWholeModelAsTheCheckpointCodecWritesIt() {
        HostModel fold = new HostModel(HOST);
        BasicScenario.events(HOST, "boot-1").forEach(fold::apply);

        assertThat(api.text("/api/hosts/" + HOST + "/checkpoint"))
                .isEqualTo(new String(new CheckpointCodec().encode(fold.checkpoint()), StandardCharsets.UTF_8));
    }

    @Test
    void unknownHostPidObjectOrRouteIs404() {
        assertError("/api/hosts/no-such-host/processes?policy=rfc", 404, "unknown host no-such-host");
        assertError("/api/hosts/" + HOST + "/processes/999", 404, "unknown pid 999");
        assertError("/api/hosts/" + HOST + "/processes/999/what-if-killed", 404, "unknown pid 999");
        assertError("/api/hosts/" + HOST + "/buffers/999", 404, "unknown object 999");
        assertError("/api/hosts/" + HOST + "/nothing-here", 404, "no such resource");
        assertError("/api/hosts/no-such-host", 404, "unknown host no-such-host");
        assertError("/api/hosts/no-such-host/history", 404, "unknown host no-such-host");
        assertError("/api/hosts/no-such-host/checkpoint", 404, "unknown host no-such-host");
    }

    @Test
    void unknownOrMissingPolicyOrMalformedIdIs400() {
        String allowed = "allowed: rss, rfc, resident, proportional, holder, freeable";
        assertError("/api/hosts/" + HOST + "/processes?policy=pss", 400, "unknown policy 'pss'; " + allowed);
        assertError("/api/hosts/" + HOST + "/oom?policy=pss", 400, "unknown policy 'pss'; " + allowed);
        assertError("/api/hosts/" + HOST + "/processes", 400, "query parameter policy is required; " + allowed);
        assertError("/api/hosts/" + HOST + "/buffers/first", 400, "object must be a number");
    }

    private JsonNode ok(String path) {
        ApiClient.Answer answer = api.get(path);
        assertThat(answer.status()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
        return answer.body();
    }

    private void assertError(String path, int status, String message) {
        ApiClient.Answer answer = api.get(path);
        assertThat(answer.status()).as("GET %s", path).isEqualTo(status);
        assertThat(answer.body().get("status").asInt()).isEqualTo(status);
        assertThat(answer.body().get("error").asText()).contains(message);
    }

    private static Map<String, Long> longs(JsonNode object) {
        Map<String, Long> values = new LinkedHashMap<>();
        object.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asLong()));
        return values;
    }
}
