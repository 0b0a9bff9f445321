package io.gemtrack.aggregator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.kafka.ConsumerStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the aggregator serves for the web view, over HTTP; the pages themselves are tested in WebViewIT. */
class WebViewHandlerTest {

    private final AggregatorHttpServer server = new AggregatorHttpServer("127.0.0.1", 0, new PrometheusRegistry(),
            exchange -> AggregatorHttpServer.respond(exchange, 204, "application/json", ""), new HealthHandler(new ConsumerStatus()));
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyPagePathGetsTheOneHtmlPage() throws Exception {
        for (String path : new String[] {"/", "/hosts/host-a", "/hosts/host-a/processes/200"}) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
            assertThat(page.body()).contains("<script type=\"module\" src=\"/web/app.js\">");
        }
    }

    @Test
    void modulesAndTheVendoredChartLibraryComeFromTheClassPath() throws Exception {
        HttpResponse<String> app = get("/web/app.js");
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");

        HttpResponse<String> uplot = get("/web/vendor/uplot/dist/uPlot.esm.js");
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("export { uPlot as default }");
        assertThat(get("/web/vendor/uplot/dist/uPlot.min.css").headers().firstValue("Content-Type"))
                .contains("text/css; charset=utf-8");
    }

    @Test
    void anythingElseIsNotFound() throws Exception {
        for (String path : new String[] {"/nothing", "/hosts/a/b", "/web/missing.js", "/web/vendor/no-such-lib/x.js",
                "/web/vendor/uplot/package.json", "/web/../web/app.js", "/web/vendor/uplot/../../../web/app.js"}) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
