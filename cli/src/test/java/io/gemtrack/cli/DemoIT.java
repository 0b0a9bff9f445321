package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.testkit.Exposition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        try (DemoCommand.Running demo = command.start()) {
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
}
