package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.ConsumerStatus;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.ProcessExits;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventStamper;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A page opened on a process that has since exited is told so, when, and what the exit freed. */
class ProcessExitsApiTest {

    private static final String HOST = "host-0";
    private static final long PRIVATE_BYTES = 16L << 20;

    private final FleetModel fleet = new FleetModel();
    private final SharedFleet shared = new SharedFleet(fleet);
    private final FleetHistory history = new FleetHistory(shared);
    private final ProcessExits exits = new ProcessExits();
    private final AggregatorHttpServer server = new AggregatorHttpServer("127.0.0.1", 0, new PrometheusRegistry(),
            new ApiHandler(shared, history, new HostActivity(HostActivity.Expiry.DEFAULT), exits, null), new HealthHandler(new ConsumerStatus()));
    private final ApiClient api = new ApiClient(server.port());
    private EventStamper stamper;

    @AfterEach
    void stop() {
        server.close();
        history.close();
    }

    @Test
    void anExitedProcessIsToldWithWhenAndWhatItsExitFreed() {
        List<Event> basic = BasicScenario.events(HOST, "boot-1");
        basic.forEach(this::apply);
        stamper = new EventStamper(HOST, "boot-1", basic.size());
        // A process with a buffer of its own, and the client of the basic scenario, whose buffer the compositor keeps.
        apply(new ProcessFork(300, 1, "leaky-app", false));
        apply(new DrmFileOpen(300, 3, 3, 0));
        apply(new GemCreate(3, 0, "vram", PRIVATE_BYTES, 300, 3, 1));
        apply(new GemPin(3, PRIVATE_BYTES));
        apply(new MmCounters(300, 1L << 20, 4L << 20, 0, 0, 1L << 20, 0));
        assertThat(api.get("/api/hosts/" + HOST + "/processes/300").status()).isEqualTo(200);

        apply(new ProcessExit(300), 1_700_000_000_000L);
        apply(new ProcessExit(200), 1_700_000_001_000L);

        ApiClient.Answer gone = api.get("/api/hosts/" + HOST + "/processes/300");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.body().get("error").asText()).isEqualTo("pid 300 exited on host host-0; its exit: /api/hosts/host-0/exits/300");
        ApiClient.Answer leaker = api.get("/api/hosts/" + HOST + "/exits/300");
        assertThat(leaker.status()).isEqualTo(200);
        assertThat(leaker.body().get("comm").asText()).isEqualTo("leaky-app");
        assertThat(leaker.body().get("exitedAtEpochMillis").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(leaker.body().get("gemFreedBytes").asLong()).isEqualTo(PRIVATE_BYTES);
        assertThat(leaker.body().get("freedBytes").asLong()).isEqualTo((4L << 20) + (1L << 20) + PRIVATE_BYTES);
        assertThat(leaker.body().get("charges").get("rfc").asLong()).isEqualTo(PRIVATE_BYTES);
        assertThat(leaker.body().get("charges").get("rss").asLong()).isZero();

        // The client's buffer lives on in the compositor: its exit frees no GEM bytes.
        ApiClient.Answer client = api.get("/api/hosts/" + HOST + "/exits/200");
        assertThat(client.body().get("gemFreedBytes").asLong()).isZero();
        assertThat(api.get("/api/hosts/" + HOST + "/exits").body().findValuesAsText("pid")).containsExactly("200", "300");

        ApiClient.Answer unknown = api.get("/api/hosts/" + HOST + "/processes/999");
        assertThat(unknown.body().get("error").asText()).isEqualTo("unknown pid 999 on host host-0");
        assertThat(api.get("/api/hosts/" + HOST + "/exits/999").status()).isEqualTo(404);
    }

    @Test
    void aNewBootForgetsTheOldBootsExits() {
        List<Event> basic = BasicScenario.events(HOST, "boot-1");
        basic.forEach(this::apply);
        stamper = new EventStamper(HOST, "boot-1", basic.size());
        apply(new ProcessExit(200));
        assertThat(api.get("/api/hosts/" + HOST + "/exits/200").status()).isEqualTo(200);

        BasicScenario.events(HOST, "boot-2").forEach(this::apply);
        assertThat(api.get("/api/hosts/" + HOST + "/exits/200").status()).isEqualTo(404);
        assertThat(api.get("/api/hosts/" + HOST + "/exits").body()).isEmpty();
    }

    @Test
    void onlyTheLastExitsOfAHostAreKept() {
        List<Event> basic = BasicScenario.events(HOST, "boot-1");
        basic.forEach(this::apply);
        stamper = new EventStamper(HOST, "boot-1", basic.size());
        for (int pid = 1_000; pid < 1_000 + ProcessExits.PER_HOST + 10; pid++) {
            apply(new ProcessFork(pid, 1, "worker", false));
            apply(new ProcessExit(pid));
        }
        assertThat(api.get("/api/hosts/" + HOST + "/exits").body()).hasSize(ProcessExits.PER_HOST);
        assertThat(api.get("/api/hosts/" + HOST + "/exits/1009").status()).isEqualTo(404);
        assertThat(api.get("/api/hosts/" + HOST + "/exits/1010").status()).isEqualTo(200);
    }

    private void apply(Event event) {
        apply(event, System.currentTimeMillis());
    }

    private void apply(EventBody body) {
        apply(body, System.currentTimeMillis());
    }

    private void apply(EventBody body, long receivedEpochMillis) {
        apply(stamper.stamp(1_000_000_000L + stamper.nextSeq(), body), receivedEpochMillis);
    }

    /** As the consumer applies an event: what an exit ends is noted before, and recorded once applied. */
    private void apply(Event event, long receivedEpochMillis) {
        shared.change(model -> {
            Optional<ProcessExits.Pending> exit = exits.before(model, event, receivedEpochMillis);
            ApplyResult result = model.apply(event);
            assertThat(result).as("%s", event).isEqualTo(ApplyResult.APPLIED);
            exit.ifPresent(pending -> exits.after(pending, result));
        });
    }
}
