package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.Exposition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo as a user starts it: broker, producer and aggregator together, metrics showing GEM bytes within 60 s,
 * and the web view at the address printed first.
 */
class DemoIT {

    @Test
    void demoServesNonZeroGemBytesWithinAMinuteAndTheWebViewWhereItSays() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--http-port", "0", "--hosts", "2");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Pipeline demo = command.start()) {
            String url = "http://127.0.0.1:" + demo.httpPort() + "/metrics";
            double gemBytes = 0;
            while (gemBytes == 0 && System.nanoTime() < deadline) {
                gemBytes = Exposition.scrape(url).samples().stream()
                        .filter(s -> s.name().equals("gemtrack_host_gem_bytes"))
                        .mapToDouble(Exposition.Sample::value).sum();
                Thread.sleep(250);
            }
            assertThat(gemBytes).as("sum of gemtrack_host_gem_bytes within 60 s").isPositive();

            String webView = "http://localhost:" + demo.httpPort() + "/";
            assertThat(demo.addresses().lines().skip(1).findFirst()).as("the first address printed")
                    .hasValueSatisfying(line -> assertThat(line).contains("web view").endsWith(webView));
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(webView)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("/web/app.js");
        }
    }

    /**
     * The story the demo tells by default, through the API a user's browser reads: within a minute a host whose
     * policies pick different victims, and a process page that stays valid for a minute once opened.
     */
    @Test
    void theDefaultStoryShowsPoliciesDisagreeingAndProcessPagesLastAMinute() throws Exception {
        DemoCommand command = new DemoCommand();
        new CommandLine(command).parseArgs("--http-port", "0", "--hosts", "1");
        command.validate();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Pipeline demo = command.start()) {
            ApiClient api = new ApiClient(demo.httpPort());
            Set<Integer> victims = Set.of();
            JsonNode comparison = null;
            while (victims.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                ApiClient.Answer answer = api.get("/api/hosts/host-0/oom");
                if (answer.status() == 200) {
                    comparison = answer.body();
                    victims = new HashSet<>();
                    for (JsonNode choice : comparison.get("policies")) {
                        victims.add(choice.path("victim").path("pid").asInt());
                    }
                }
            }
            assertThat(victims).as("distinct OOM victims of host-0 within 60 s: %s", comparison).hasSizeGreaterThanOrEqualTo(2);

            // The process one opens from the host's page: the victim the default policy names.
            int pid = comparison.get("policies").get("rfc").get("victim").get("pid").asInt();
            String path = "/api/hosts/host-0/processes/" + pid;
            long end = System.nanoTime() + Duration.ofSeconds(61).toNanos();
            int polls = 0;
            while (System.nanoTime() < end) {
                assertThat(api.get(path).status()).as("%s after %d polls", path, polls).isEqualTo(200);
                polls++;
                Thread.sleep(10_000);
            }
            assertThat(api.get(path).status()).as(path + " a minute later").isEqualTo(200);
        }
    }
}
