package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.aggregator.metrics.AggregatorMetrics;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.ModelFaults;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.Exposition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS.md §10 at the aggregator's HTTP port: a host whose state cannot be exported (a planted bug) is quarantined
 * by the scrape or the API request that meets it, and /metrics and the API go on for every other host.
 */
class HostQuarantineTest {

    private final FleetModel fleet = new FleetModel();
    private final SharedFleet shared = new SharedFleet(fleet);
    private final FleetServer server;

    HostQuarantineTest() {
        BasicScenario.events("healthy", "boot-1").forEach(fleet::apply);
        BasicScenario.events("broken", "boot-1").forEach(fleet::apply);
        ModelFaults.addProcessWithoutCounters(fleet.host("broken"), 999);
        PrometheusRegistry registry = new PrometheusRegistry();
        HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
        new AggregatorMetrics(registry, shared, activity);
        server = new FleetServer(shared, registry, activity);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void scrapeQuarantinesTheHostItCannotExportAndShowsAllOfEveryOtherHost() throws Exception {
        Exposition first = Exposition.parse(body("/metrics", 200));
        Exposition second = Exposition.parse(body("/metrics", 200));

        for (Exposition scrape : List.of(first, second)) {
            assertThat(scrape.value("gemtrack_host_quarantined", "host", "broken")).contains(1.0);
            assertThat(scrape.value("gemtrack_host_quarantined", "host", "healthy")).contains(0.0);
            assertThat(scrape.samples()).as("the broken host's series, all but its quarantine")
                    .filteredOn(sample -> "broken".equals(sample.labels().get("host")))
                    .extracting(Exposition.Sample::name).containsOnly("gemtrack_host_quarantined");
            assertThat(scrape.value("gemtrack_host_gem_bytes", "host", "healthy")).contains((double) BasicScenario.SHARED_BUFFER_BYTES);
            assertThat(scrape.value("gemtrack_oom_victim_freed_bytes", "host", "healthy", "policy", "rfc")).isPresent();
        }
        assertThat(fleet.host("broken").quarantineReason()).hasValueSatisfying(reason ->
                assertThat(reason).startsWith("exporting its metrics failed: java.lang.NullPointerException"));
        assertThat(body("/api/hosts/broken", 200)).contains("\"quarantined\":true", "\"quarantine\":\"exporting its metrics failed: ");
        assertThat(body("/api/hosts/healthy", 200)).contains("\"quarantined\":false", "\"quarantine\":null");
    }

    @Test
    void apiRequestThatFailsForOneHostQuarantinesItAndEveryOtherHostIsAnswered() throws Exception {
        assertThat(body("/api/hosts/broken/processes?policy=rfc", 500)).contains("\"status\":500");

        assertThat(fleet.host("broken").quarantineReason()).hasValueSatisfying(reason ->
                assertThat(reason).startsWith("answering GET /api/hosts/broken/processes failed: java.lang.NullPointerException"));
        assertThat(body("/api/hosts/healthy/processes?policy=rfc", 200)).contains("\"pid\":200");
        assertThat(body("/api/hosts", 200)).contains("\"host\":\"broken\"", "\"host\":\"healthy\"", "\"quarantined\":true");
        assertThat(body("/api/hosts/broken/buffers", 200)).as("the rest of its state, kept for inspection").contains("\"object\":1");
        assertThat(Exposition.parse(body("/metrics", 200)).value("gemtrack_host_quarantined", "host", "broken")).contains(1.0);
    }

    private String body(String path, int status) throws IOException, InterruptedException {
        HttpResponse<String> response = server.get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(status);
        return response.body();
    }
}
