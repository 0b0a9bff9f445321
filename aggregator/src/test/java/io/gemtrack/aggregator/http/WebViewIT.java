package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessMigrate;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventStamper;
import io.gemtrack.kafka.EventPublisher;
import io.gemtrack.kafka.KafkaSettings;
import io.gemtrack.kafka.TopicLayout;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.BasicScenario;
import io.gemtrack.testkit.KafkaExtension;
import io.gemtrack.testkit.TestKafka;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web view in a real headless Chromium against an aggregator fed through the real broker. Every figure a
 * page shows is compared with what the JSON API answers at the same time, never with numbers written here.
 *
 * <p>Host {@code web-it-a} runs {@link BasicScenario} to its end: client 200 created the 8 MiB buffer 1 and
 * shares it with compositor 100, so {@code rss} (charges no one) and {@code rfc} (charges the creator) rank
 * the two processes in opposite orders. Host {@code web-it-b} stops before the scratch buffer is freed, so the
 * hosts differ in GEM bytes and the fleet table has something to sort.
 */
@ExtendWith(KafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebViewIT {

    private static final String TOPIC = "web-view-it.events";
    private static final String HOST = "web-it-a";
    private static final String OTHER_HOST = "web-it-b";
    private static final String LATE_HOST = "web-it-c";
    private static final String CGROUP_HOST = "web-it-cgroups";
    private static final String SESSION = "/user.slice/user-1000.slice/session-2.scope";
    private static final String CONTAINER = "/system.slice/docker-" + "0123456789abcdef".repeat(4) + ".scope";
    private static final String OOM_HOST = "web-it-oom";
    /** BasicScenario up to and including the pin of the compositor's 4 MiB scratch buffer. */
    private static final int EVENTS_WITH_BOTH_BUFFERS = 13;

    private TestKafka kafka;
    private Aggregator aggregator;
    private ApiClient api;
    private HeadlessBrowser browser;

    @BeforeAll
    void startAggregatorAndBrowser(TestKafka kafka) throws Exception {
        this.kafka = kafka;
        List<Event> events = new ArrayList<>(BasicScenario.events(HOST, "boot-1"));
        events.addAll(BasicScenario.events(OTHER_HOST, "boot-1").subList(0, EVENTS_WITH_BOTH_BUFFERS));
        publish(events);
        aggregator = new Aggregator(new Aggregator.Config(KafkaSettings.bootstrap(kafka.bootstrapServers()),
                "web-view-it", TOPIC, TOPIC + ".dlq", "127.0.0.1", 0));
        api = new ApiClient(aggregator.httpPort());
        api.await("/api/hosts", hosts -> hosts.size() == 2
                && hosts.get(0).get("lastSeq").asLong() == BasicScenario.events(HOST, "boot-1").size() - 1
                && hosts.get(1).get("lastSeq").asLong() == EVENTS_WITH_BOTH_BUFFERS - 1);
        browser = new HeadlessBrowser(aggregator.httpPort());
    }

    @AfterEach
    void pageLoggedNoConsoleError() {
        assertThat(browser.consoleErrors()).as("browser console errors").isEmpty();
    }

    @AfterAll
    void stopBrowserAndAggregator() throws InterruptedException {
        if (browser != null) {
            browser.close();
        }
        aggregator.close();
    }

    @Test
    @Order(1)
    void fleetPageShowsEveryHostsFiguresAsTheApiAndSortsByAColumn() {
        browser.open("/?policy=rfc");
        assertFleetTableMatchesApi("rfc");

        browser.click("#policies button[data-policy='rss']");
        browser.await("fleet table under rss", () -> "rss".equals(browser.attribute("#hosts", "data-policy")));
        assertFleetTableMatchesApi("rss");

        browser.click("#hosts th[data-column='gemBytes']");
        assertThat(browser.attribute("#hosts", "data-sort")).isEqualTo("gemBytes desc");
        assertThat(hostColumn("key")).containsExactlyElementsOf(hostsByGemBytes(Comparator.reverseOrder()));
        browser.click("#hosts th[data-column='gemBytes']");
        assertThat(hostColumn("key")).containsExactlyElementsOf(hostsByGemBytes(Comparator.naturalOrder()));

        browser.screenshot("fleet");
    }

    @Test
    @Order(2)
    void aPolicyTheAggregatorDoesNotKnowFallsBackToRfc() {
        browser.open("/?policy=pss");

        assertThat(browser.attribute("#policies button[aria-pressed='true']", "data-policy")).isEqualTo("rfc");
        assertThat(browser.attribute("#hosts", "data-policy")).isEqualTo("rfc");
        assertThat((String) browser.script("return location.search")).isEqualTo("?policy=rfc");
    }

    @Test
    @Order(3)
    void hostPageRanksProcessesAsTheApiUnderTheChosenPolicy() {
        List<Integer> rfcOrder = apiProcessOrder("rfc");
        List<Integer> rssOrder = apiProcessOrder("rss");
        assertThat(rfcOrder).as("the scenario must rank differently under rfc and rss").isNotEqualTo(rssOrder);

        browser.open("/hosts/" + HOST + "?policy=rfc");
        assertProcessTableMatchesApi("rfc");
        assertThat(processColumn("pid")).containsExactlyElementsOf(rfcOrder.stream().map(String::valueOf).toList());

        browser.click("#policies button[data-policy='rss']");
        browser.await("process table under rss", () -> "rss".equals(browser.attribute("#processes", "data-policy")));
        assertProcessTableMatchesApi("rss");
        assertThat(processColumn("pid")).containsExactlyElementsOf(rssOrder.stream().map(String::valueOf).toList());
    }

    @Test
    @Order(4)
    void hostPageShowsTotalsOomVictimsSharingGraphAndHistoryChart() {
        browser.open("/hosts/" + HOST + "?policy=proportional");
        JsonNode host = ok("/api/hosts/" + HOST);
        assertThat(fact("gemBytes")).isEqualTo(host.get("gemBytes").asText());
        assertThat(fact("unaccounted")).isEqualTo(host.get("unaccounted").get("proportional").asText());

        JsonNode comparison = ok("/api/hosts/" + HOST + "/oom");
        comparison.get("policies").fields().forEachRemaining(choice -> {
            String cell = "#oom td[data-policy='" + choice.getKey() + "']";
            JsonNode victim = choice.getValue().get("victim");
            assertThat(browser.attribute(cell + "[data-field='victim']", "data-value"))
                    .as("victim under %s", choice.getKey()).isEqualTo(victim.get("pid").asText());
            assertThat(browser.attribute(cell + "[data-field='freedBytes']", "data-value"))
                    .isEqualTo(victim.get("freedBytes").asText());
            assertThat(browser.attribute(cell + "[data-field='mismatch']", "data-value"))
                    .isEqualTo(choice.getValue().get("mismatch").asText());
        });
        assertThat(browser.attribute("#best-victim", "data-value")).isEqualTo(comparison.get("bestVictim").get("pid").asText());

        assertThat(browser.attributes("#sharing-graph [data-edge]", "data-edge"))
                .containsExactlyInAnyOrderElementsOf(sharingEdgesFromApi());

        // The aggregator samples every 5 s; two samples draw a line.
        browser.await("two history samples in the chart", () -> {
            String samples = browser.attribute("#history-chart", "data-samples");
            return samples != null && Integer.parseInt(samples) >= 2;
        });
        assertThat(browser.attribute("#history-chart canvas", "width")).isNotNull();
        JsonNode history = ok("/api/hosts/" + HOST + "/history");
        assertThat(last(history.get("gemBytes"))).isEqualTo(host.get("gemBytes").asLong());
        assertThat(last(history.get("unaccounted").get("proportional")))
                .isEqualTo(host.get("unaccounted").get("proportional").asLong());

        browser.screenshot("host");
    }

    @Test
    @Order(5)
    void processPageShowsItsBuffersChargesAndWhatAKillWouldFree() {
        String path = "/api/hosts/" + HOST + "/processes/200";
        browser.open("/hosts/" + HOST + "/processes/200?policy=proportional");
        JsonNode process = ok(path);

        process.get("charges").fields().forEachRemaining(charge ->
                assertThat(browser.attribute("#charges-table td[data-policy='" + charge.getKey() + "']", "data-value"))
                        .as("charge under %s", charge.getKey()).isEqualTo(charge.getValue().asText()));

        List<Map<String, String>> rows = browser.rows("#buffers");
        assertThat(rows).extracting(row -> row.get("key"))
                .containsExactlyElementsOf(values(process.get("buffers"), "object"));
        for (int i = 0; i < rows.size(); i++) {
            JsonNode buffer = process.get("buffers").get(i);
            Map<String, String> row = rows.get(i);
            assertThat(row.get("sizeBytes")).isEqualTo(buffer.get("sizeBytes").asText());
            assertThat(row.get("residentBytes")).isEqualTo(buffer.get("residentBytes").asText());
            assertThat(row.get("creatorPid")).isEqualTo(buffer.get("creatorPid").asText());
            assertThat(row.get("holders")).isEqualTo(String.join(" ", values(buffer.get("holders"), "pid")));
            assertThat(Long.parseLong(row.get("chargedHere"))).isEqualTo(chargedFor(buffer, 200, "proportional"));
        }

        JsonNode whatIf = ok(path + "/what-if-killed");
        assertThat(browser.attribute("#freed-bytes", "data-value")).isEqualTo(whatIf.get("freedBytes").asText());
        assertThat(browser.attributes("#still-held tbody tr", "data-key"))
                .containsExactlyElementsOf(values(whatIf.get("stillHeld"), "object"));
        assertThat(browser.attributes("#still-held td:last-child", "data-value")).containsExactlyElementsOf(
                StreamSupport.stream(whatIf.get("stillHeld").spliterator(), false)
                        .map(held -> StreamSupport.stream(held.get("holdersLeft").spliterator(), false)
                                .map(JsonNode::asText).collect(Collectors.joining(" ")))
                        .toList());

        browser.screenshot("process");
    }

    @Test
    @Order(6)
    void pagesRefreshLiveAsEventsArrive() throws Exception {
        browser.open("/?policy=rfc");
        browser.script("window.loadedBeforeTheNewHost = true");

        List<Event> events = BasicScenario.events(LATE_HOST, "boot-1");
        publish(events);
        JsonNode lateHost = api.await("/api/hosts/" + LATE_HOST,
                host -> host.get("lastSeq").asLong() == events.size() - 1);
        browser.await("the new host's GEM bytes in the fleet table", () -> browser.rows("#hosts").stream().anyMatch(row ->
                row.get("key").equals(LATE_HOST) && row.get("gemBytes").equals(lateHost.get("gemBytes").asText())));

        assertThat(browser.script("return window.loadedBeforeTheNewHost")).as("no reload").isEqualTo(true);
        assertFleetTableMatchesApi("rfc");
    }

    /**
     * A host of the basic scenario whose compositor runs in a session scope and whose client moved into a container
     * with a memory.max: the tree, its figures under two policies and the memcg victim, as the API has them.
     */
    @Test
    @Order(7)
    void cgroupsPageShowsTheTreeAsTheApiUnderTheChosenPolicy() throws Exception {
        List<Event> events = new ArrayList<>(BasicScenario.events(CGROUP_HOST, "boot-1"));
        EventStamper stamper = new EventStamper(CGROUP_HOST, "boot-1", events.size());
        long ts = events.get(events.size() - 1).ts();
        for (EventBody body : List.of(new ProcessMigrate(100, SESSION), new ProcessMigrate(200, CONTAINER),
                new ResourceUsage(CONTAINER, 40L << 20, 64L << 20, List.of()))) {
            events.add(stamper.stamp(ts += 1_000_000, body));
        }
        publish(events);
        api.await("/api/hosts/" + CGROUP_HOST + "/cgroups", tree -> tree.get("cgroups").size() == 6);

        browser.open("/hosts/" + CGROUP_HOST + "?policy=holder");
        browser.await("the host page's link to its cgroups", () -> browser.attribute("#cgroups-link", "href") != null);
        browser.open((String) browser.script("return document.getElementById('cgroups-link').getAttribute('href')"));
        assertCgroupTableMatchesApi("holder");

        browser.click("#policies button[data-policy='rfc']");
        browser.await("cgroup table under rfc", () -> "rfc".equals(browser.attribute("#cgroups", "data-policy")));
        assertCgroupTableMatchesApi("rfc");
        Map<String, String> container = browser.rows("#cgroups").stream().filter(row -> row.get("key").equals(CONTAINER))
                .findFirst().orElseThrow();
        assertThat(container.get("memcgVictim")).isEqualTo("200");
        assertThat(container.get("names")).startsWith("docker ");

        browser.screenshot("cgroups");
    }

    private void assertCgroupTableMatchesApi(String policy) {
        JsonNode cgroups = ok("/api/hosts/" + CGROUP_HOST + "/cgroups").get("cgroups");
        List<Map<String, String>> rows = browser.rows("#cgroups");
        assertThat(rows).extracting(row -> row.get("key")).containsExactlyElementsOf(values(cgroups, "path"));
        for (int i = 0; i < rows.size(); i++) {
            JsonNode cgroup = cgroups.get(i);
            Map<String, String> row = rows.get(i);
            assertThat(row.get("charged")).as("charge of %s under %s", row.get("key"), policy)
                    .isEqualTo(cgroup.get("charged").get(policy).asText());
            assertThat(row.get("processes")).isEqualTo(cgroup.get("processes").asText());
            assertThat(row.get("freeableBytes")).isEqualTo(cgroup.get("freeableBytes").asText());
            assertThat(row.get("freedByKillBytes")).isEqualTo(cgroup.get("freedByKillBytes").asText());
            assertThat(row.get("unaccounted")).isEqualTo(cgroup.get("unaccounted").get(policy).asText());
        }
    }

    @Test
    @Order(8)
    void aProcessThatExitsWhileItsPageIsOpenIsShownExitedWithWhatItsExitFreedAndTheWayBack() throws Exception {
        String page = "/hosts/" + LATE_HOST + "/processes/200?policy=freeable";
        browser.open(page);
        List<Event> events = BasicScenario.events(LATE_HOST, "boot-1");
        publish(List.of(new EventStamper(LATE_HOST, "boot-1", events.size()).stamp(events.get(events.size() - 1).ts() + 1,
                new EventBody.ProcessExit(200))));
        JsonNode exit = api.await("/api/hosts/" + LATE_HOST + "/exits/200", answer -> answer.has("pid"));

        browser.await("the page saying pid 200 exited", () -> "false".equals(String.valueOf(
                browser.script("return document.getElementById('exited').hidden"))));
        assertThat(browser.attribute("#exited-at", "data-value")).isEqualTo(exit.get("exitedAtEpochMillis").asText());
        assertThat(browser.attribute("#gem-freed", "data-value")).isEqualTo(exit.get("gemFreedBytes").asText());
        assertThat(browser.attribute("#freed-bytes", "data-value")).isEqualTo(exit.get("freedBytes").asText());
        assertThat(browser.attribute("#charged-at-exit", "data-value")).isEqualTo(exit.get("charges").get("freeable").asText());
        assertThat(browser.attribute("#back-to-host", "href")).isEqualTo("/hosts/" + LATE_HOST + "?policy=freeable");
        assertThat(browser.script("return document.querySelector('h1').textContent")).asString().endsWith("(exited)");
        // The one error the browser logs is the process route's 404, which told the page to look for the exit.
        assertThat(browser.consoleErrors()).allSatisfy(error -> assertThat(error).contains("/processes/200", "404"));

        browser.screenshot("process-exited");
    }

    /** The OOM kills pages: the client is killed, its shared buffer stays alive in the compositor, which was the best victim. */
    @Test
    @Order(9)
    void oomKillsPagesShowEveryKillsPostMortemAsTheApi() throws Exception {
        List<Event> events = BasicScenario.events(OOM_HOST, "boot-1");
        EventStamper stamper = new EventStamper(OOM_HOST, "boot-1", events.size());
        publish(events);
        // Stamped later than the host's other records, so the host as of the kill's instant has them all.
        Thread.sleep(20);
        publish(List.of(stamper.stamp(900_000_000, new OomKill(200, 8_448, 6_400)), stamper.stamp(900_000_001, new ProcessExit(200))));
        JsonNode kills = api.await("/api/hosts/" + OOM_HOST + "/oom-kills", answer -> answer.size() == 1);
        JsonNode kill = kills.get(0);

        browser.open("/hosts/" + OOM_HOST + "/oom-kills?policy=rfc");
        browser.await("the kill's post-mortem", () -> browser.attribute("section.oom-kill", "data-seq") != null);
        assertThat(browser.attribute("section.oom-kill", "data-seq")).isEqualTo(kill.get("seq").asText());
        for (String fact : List.of("cgroup", "kernelPoints", "freedBytes", "bytesLeftAlive", "kernelChoiceBest")) {
            assertThat(browser.attribute("section.oom-kill dd[data-fact='" + fact + "']", "data-value")).as(fact)
                    .isEqualTo(kill.get(fact).asText());
        }
        assertThat(browser.attribute("section.oom-kill dd[data-fact='best']", "data-value")).isEqualTo(kill.get("best").get("pid").asText());
        assertThat(kill.get("kernelChoiceBest").asBoolean()).as("the compositor frees more").isFalse();
        String table = "#choices-" + OOM_HOST + "-" + kill.get("seq").asText();
        assertThat(browser.rows(table)).extracting(row -> row.get("pid"))
                .containsExactlyElementsOf(StreamSupport.stream(kill.get("policies").spliterator(), false)
                        .map(choice -> choice.get("victim").get("pid").asText()).toList());
        assertThat(browser.rows("#still-held-" + OOM_HOST + "-" + kill.get("seq").asText()))
                .extracting(row -> row.get("key"), row -> row.get("holders")).containsExactly(tuple("1", "100"));
        browser.screenshot("oom-kills");

        browser.open("/oom-kills?policy=rfc");
        browser.await("the fleet's kills", () -> !browser.attributes("section.oom-kill", "data-host").isEmpty());
        assertThat(browser.attributes("section.oom-kill", "data-host"))
                .containsExactlyElementsOf(values(ok("/api/oom-kills"), "host"));
    }

    /**
     * A post-mortem links to its host as of the kill's instant: the host page then asks every route with at=, shows the
     * killed client still alive as the API's answers about that instant have it, says it shows the past, stops
     * refreshing, and its "live" button leads back to the host as it is now, without the killed client.
     */
    @Test
    @Order(10)
    void aPostMortemLeadsToTheHostPageAsOfTheKillWhichShowsThePastUntilLiveIsChosen() throws Exception {
        JsonNode kill = ok("/api/hosts/" + OOM_HOST + "/oom-kills").get(0);
        String at = Instant.ofEpochMilli(kill.get("epochMillis").asLong()).toString();
        browser.open("/hosts/" + OOM_HOST + "/oom-kills?policy=rfc");
        browser.await("the link to the host as of the kill", () -> browser.attribute("a.as-of-kill", "href") != null);
        String link = browser.attribute("a.as-of-kill", "href");
        assertThat(link).isEqualTo("/hosts/" + OOM_HOST + "?policy=rfc&at=" + URLEncoder.encode(at, StandardCharsets.UTF_8));

        browser.open(link);
        browser.await("the host as of the kill", () -> browser.rows("#processes").size() > 0);
        JsonNode then = ok("/api/hosts/" + OOM_HOST + "?at=" + at);
        assertThat(then.get("olderThanRetained").asBoolean()).isFalse();
        assertThat(browser.script("return document.getElementById('as-of-banner').hidden")).isEqualTo(false);
        assertThat((String) browser.script("return document.getElementById('as-of-banner').textContent"))
                .contains("as of " + at).contains(then.get("note").asText());
        assertThat((String) browser.script("return document.getElementById('status').textContent")).startsWith("as of " + at);
        assertThat(browser.script("return document.getElementById('as-of-input').value")).isEqualTo(at);
        assertThat(fact("gemBytes")).isEqualTo(then.get("state").get("gemBytes").asText());
        JsonNode processesThen = ok("/api/hosts/" + OOM_HOST + "/processes?policy=rfc&limit=1000&at=" + at).get("processes");
        assertThat(processColumn("pid")).as("the killed client alive then").contains("200")
                .containsExactlyElementsOf(values(processesThen, "pid"));
        assertThat(processColumn("chargedBytes")).containsExactlyElementsOf(values(processesThen, "chargedBytes"));
        assertThat(values(ok("/api/hosts/" + OOM_HOST + "/processes?policy=rfc").get("processes"), "pid")).doesNotContain("200");
        int drawn = browser.refreshes();
        Thread.sleep(2_500);
        assertThat(browser.refreshes()).as("the past is not refreshed").isEqualTo(drawn);
        browser.screenshot("host-as-of");

        browser.click("#as-of-live");
        browser.await("the live host page", () -> !String.valueOf(browser.script("return location.search")).contains("at=")
                && browser.rows("#processes").size() > 0);
        assertThat(browser.script("return document.getElementById('as-of-banner').hidden")).isEqualTo(true);
        assertThat(processColumn("pid")).doesNotContain("200");

        browser.script("document.getElementById('as-of-input').value = arguments[0]", String.valueOf(kill.get("epochMillis").asLong()));
        browser.click("#as-of-show");
        browser.await("the host as of the instant typed", () -> String.valueOf(browser.script("return location.search"))
                .contains("at=") && browser.rows("#processes").size() > 0);
        assertThat(processColumn("pid")).contains("200");
    }

    private void assertFleetTableMatchesApi(String policy) {
        JsonNode hosts = ok("/api/hosts");
        List<Map<String, String>> rows = browser.rows("#hosts");
        assertThat(rows).extracting(row -> row.get("key")).containsExactlyElementsOf(values(hosts, "host"));
        for (int i = 0; i < rows.size(); i++) {
            JsonNode host = hosts.get(i);
            Map<String, String> row = rows.get(i);
            assertThat(row.get("gemBytes")).as("GEM bytes of %s", row.get("key")).isEqualTo(host.get("gemBytes").asText());
            assertThat(row.get("residentBytes")).isEqualTo(host.get("residentBytes").asText());
            assertThat(row.get("unaccounted")).as("unaccounted bytes of %s under %s", row.get("key"), policy)
                    .isEqualTo(host.get("unaccounted").get(policy).asText());
            assertThat(row.get("orphanedBytes")).isEqualTo(host.get("orphanedBytes").asText());
            assertThat(row.get("gemObjects")).isEqualTo(host.get("gemObjects").asText());
            assertThat(row.get("synchronised")).isEqualTo(host.get("synchronised").asText());
        }
    }

    private void assertProcessTableMatchesApi(String policy) {
        JsonNode processes = ok("/api/hosts/" + HOST + "/processes?policy=" + policy).get("processes");
        List<Map<String, String>> rows = browser.rows("#processes");
        assertThat(rows).extracting(row -> row.get("key")).containsExactlyElementsOf(values(processes, "pid"));
        for (int i = 0; i < rows.size(); i++) {
            JsonNode process = processes.get(i);
            Map<String, String> row = rows.get(i);
            assertThat(row.get("comm")).isEqualTo(process.get("comm").asText());
            assertThat(row.get("chargedBytes")).as("charge of %s under %s", row.get("key"), policy)
                    .isEqualTo(process.get("chargedBytes").asText());
            assertThat(row.get("freedByKillBytes")).isEqualTo(process.get("freedByKillBytes").asText());
        }
    }

    private List<String> hostsByGemBytes(Comparator<Long> order) {
        return StreamSupport.stream(ok("/api/hosts").spliterator(), false)
                .sorted(Comparator.comparing((JsonNode host) -> host.get("gemBytes").asLong(), order))
                .map(host -> host.get("host").asText())
                .toList();
    }

    private List<Integer> apiProcessOrder(String policy) {
        return values(ok("/api/hosts/" + HOST + "/processes?policy=" + policy).get("processes"), "pid").stream()
                .map(Integer::valueOf).toList();
    }

    /** Creator → buffer and buffer → holder, for every buffer the API lists. */
    private Set<String> sharingEdgesFromApi() {
        Set<String> edges = new HashSet<>();
        for (JsonNode buffer : ok("/api/hosts/" + HOST + "/buffers").get("buffers")) {
            String node = "buffer:" + buffer.get("object").asText();
            edges.add("creator:" + buffer.get("creatorPid").asText() + ">" + node);
            buffer.get("holders").forEach(holder -> edges.add(node + ">holder:" + holder.get("pid").asText()));
        }
        return edges;
    }

    /** What {@code policy} charges {@code pid} for one buffer, from the API: as a holder plus as its creator. */
    private static long chargedFor(JsonNode buffer, int pid, String policy) {
        long charged = 0;
        for (JsonNode holder : buffer.get("holders")) {
            if (holder.get("pid").asInt() == pid) {
                charged += holder.get("charges").get(policy).asLong();
            }
        }
        JsonNode creatorCharges = buffer.get("creatorCharges");
        if (buffer.get("creatorPid").asInt() == pid && !creatorCharges.isNull()) {
            charged += creatorCharges.get(policy).asLong();
        }
        return charged;
    }

    private String fact(String name) {
        return browser.attribute("#host-summary dd[data-fact='" + name + "']", "data-value");
    }

    private List<String> hostColumn(String column) {
        return browser.rows("#hosts").stream().map(row -> row.get(column)).toList();
    }

    private List<String> processColumn(String column) {
        return browser.rows("#processes").stream().map(row -> row.get(column)).toList();
    }

    private static List<String> values(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(element -> element.get(field).asText()).toList();
    }

    private static long last(JsonNode array) {
        return array.get(array.size() - 1).asLong();
    }

    private JsonNode ok(String path) {
        ApiClient.Answer answer = api.get(path);
        assertThat(answer.status()).as("GET %s: %s", path, answer.body()).isEqualTo(200);
        return answer.body();
    }

    private void publish(List<Event> events) {
        try (EventPublisher publisher = new EventPublisher(KafkaSettings.bootstrap(kafka.bootstrapServers()), TOPIC, TopicLayout.partitions(4))) {
            events.forEach(publisher::publish);
            publisher.flushExpectingNoFailure();
        }
    }
}
