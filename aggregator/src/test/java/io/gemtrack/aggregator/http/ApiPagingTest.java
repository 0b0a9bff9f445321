package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventStamper;
import io.gemtrack.model.FleetModel;
import io.gemtrack.testkit.BusyHost;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API's lists a page at a time: {@code limit}, {@code offset} and {@code sort} with their defaults and bounds, the
 * whole list's {@code total}, and a 400 naming the parameter (and the values allowed) for each bad one.
 */
class ApiPagingTest {

    private static final BusyHost BUSY = new BusyHost(30, 5);
    private static final String MIXED = "mixed-sizes";
    private static final int MAKER = 10;
    /** Object ids 1 to 6 by size; largest first, ties by id, they are 4, 6, 2, 5, 1, 3. */
    private static final long[] SIZES = {4 << 10, 64 << 10, 4 << 10, 1 << 20, 64 << 10, 1 << 20};

    private final FleetModel fleet = new FleetModel();
    private final SharedFleet shared = new SharedFleet(fleet);
    private final FleetServer server;
    private final ObjectMapper json = new ObjectMapper();

    ApiPagingTest() {
        BUSY.events(fleet::apply);
        EventStamper mixed = new EventStamper(MIXED, "boot-1");
        fleet.apply(mixed.stamp(1, new ProcessFork(MAKER, 1, "maker", false)));
        fleet.apply(mixed.stamp(2, new DrmFileOpen(MAKER, 3, 1, 0)));
        for (int i = 0; i < SIZES.length; i++) {
            fleet.apply(mixed.stamp(3 + i, new GemCreate(i + 1, 0, "vram", SIZES[i], MAKER, 1, i + 1)));
        }
        server = new FleetServer(shared, new PrometheusRegistry(), new HostActivity(HostActivity.Expiry.DEFAULT));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void buffersComeAHundredAtATimeByIdWithTheirTotal() throws Exception {
        JsonNode first = ok("/api/hosts/" + BusyHost.NAME + "/buffers");
        assertThat(first.get("total").asLong()).isEqualTo(BUSY.objects());
        assertThat(first.get("sort").asText()).isEqualTo("id");
        assertThat(first.get("offset").asInt()).isZero();
        assertThat(first.get("limit").asInt()).isEqualTo(100);
        assertThat(objects(first.get("buffers"))).containsExactlyElementsOf(LongStream.rangeClosed(1, 100).boxed().toList());

        JsonNode last = ok("/api/hosts/" + BusyHost.NAME + "/buffers?offset=140&limit=20");
        assertThat(objects(last.get("buffers"))).containsExactlyElementsOf(LongStream.rangeClosed(141, 150).boxed().toList());
        assertThat(last.get("total").asLong()).isEqualTo(BUSY.objects());
        assertThat(ok("/api/hosts/" + BusyHost.NAME + "/buffers?offset=150").get("buffers")).isEmpty();
        assertThat(ok("/api/hosts/" + BusyHost.NAME + "/buffers?offset=7&limit=1").get("buffers").get(0))
                .isEqualTo(ok("/api/hosts/" + BusyHost.NAME + "/buffers/8"));
    }

    @Test
    void buffersBySizeAreLargestFirstTiesById() throws Exception {
        assertThat(objects(ok("/api/hosts/" + MIXED + "/buffers?sort=size").get("buffers"))).containsExactly(4L, 6L, 2L, 5L, 1L, 3L);
        JsonNode page = ok("/api/hosts/" + MIXED + "/buffers?sort=size&offset=1&limit=3");
        assertThat(objects(page.get("buffers"))).containsExactly(6L, 2L, 5L);
        assertThat(page.get("total").asLong()).isEqualTo(SIZES.length);
    }

    @Test
    void processesArePagedInEitherOrder() throws Exception {
        String processes = "/api/hosts/" + BusyHost.NAME + "/processes?policy=rfc";
        JsonNode charged = ok(processes + "&offset=1&limit=2");
        assertThat(charged.get("total").asInt()).isEqualTo(30);
        assertThat(charged.get("sort").asText()).isEqualTo("charged");
        assertThat(pids(charged)).as("equal charges, so by pid").containsExactly(1002, 1003);
        assertThat(pids(ok(processes + "&sort=pid&offset=28"))).containsExactly(1029, 1030);
        assertThat(pids(ok(processes))).hasSize(30);
    }

    @Test
    void aProcessShowsAPageOfItsBuffers() throws Exception {
        JsonNode bySize = ok("/api/hosts/" + MIXED + "/processes/" + MAKER + "?sort=size&offset=1&limit=2");
        assertThat(bySize.get("totalBuffers").asInt()).isEqualTo(SIZES.length);
        assertThat(bySize.get("bufferSort").asText()).isEqualTo("size");
        assertThat(objects(bySize.get("buffers"))).containsExactly(6L, 2L);
        assertThat(objects(ok("/api/hosts/" + MIXED + "/processes/" + MAKER).get("buffers"))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aBadPagingParameterIs400NamingItAndWhatIsAllowed() throws Exception {
        String buffers = "/api/hosts/" + BusyHost.NAME + "/buffers";
        assertError(buffers + "?limit=0", "query parameter limit must be a whole number from 1 to 1000, was '0'");
        assertError(buffers + "?limit=1001", "query parameter limit must be a whole number from 1 to 1000, was '1001'");
        assertError(buffers + "?limit=ten", "query parameter limit must be a whole number from 1 to 1000, was 'ten'");
        assertError(buffers + "?offset=-1", "query parameter offset must be a whole number from 0 to 2147483647, was '-1'");
        assertError(buffers + "?sort=resident", "unknown sort 'resident'; allowed: id, size");
        assertError(buffers + "?offset=9950&limit=100", "query parameters offset + limit must be at most 10000 for a host's"
                + " buffers, were 9950 + 100; the host's checkpoint holds every object");
        assertError("/api/hosts/" + BusyHost.NAME + "/processes?policy=rfc&sort=size", "unknown sort 'size'; allowed: charged, pid");
        assertError("/api/hosts/" + BusyHost.NAME + "/processes/1001?sort=pid", "unknown sort 'pid'; allowed: id, size");
    }

    private JsonNode ok(String path) throws Exception {
        HttpResponse<String> response = server.get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private void assertError(String path, String message) throws Exception {
        HttpResponse<String> response = server.get(path);
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("error").asText()).isEqualTo(message);
    }

    private static List<Long> objects(JsonNode buffers) {
        return StreamSupport.stream(buffers.spliterator(), false).map(buffer -> buffer.get("object").asLong()).toList();
    }

    private static List<Integer> pids(JsonNode list) {
        return StreamSupport.stream(list.get("processes").spliterator(), false).map(row -> row.get("pid").asInt()).toList();
    }
}
