package io.gemtrack.dashboards;

import io.gemtrack.testkit.Exposition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The compose demo's core comes up and works: Kafka, the producer, the aggregator (built from docker/Dockerfile)
 * and Prometheus with the rules. Grafana only reads files, which the other dashboard tests check. Skipped, with
 * the reason, where no Docker engine answers.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackIT {

    private static final int AGGREGATOR_PORT = 9400;
    private static final int PROMETHEUS_PORT = 9090;
    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Container
    static final ComposeContainer STACK = new ComposeContainer(ComposeConfigTest.COMPOSE_FILE.toFile())
            .withLocalCompose(true)
            .withBuild(true)
            .withServices("kafka", "producer", "aggregator", "prometheus")
            // The first start builds the image with Maven inside Docker.
            .withExposedService("aggregator", AGGREGATOR_PORT,
                    Wait.forHttp("/metrics").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(15)))
            .withExposedService("prometheus", PROMETHEUS_PORT, Wait.forHttp("/-/ready").forStatusCode(200));

    @Test
    void producedHostsReachTheAggregatorAndPrometheusScrapesIt() throws Exception {
        String metrics = "http://" + STACK.getServiceHost("aggregator", AGGREGATOR_PORT) + ":"
                + STACK.getServicePort("aggregator", AGGREGATOR_PORT) + "/metrics";
        Await.until("the aggregator to show the produced hosts", PATIENCE,
                () -> Exposition.scrape(metrics).value("gemtrack_hosts").orElse(0.0) > 0);

        String up = "http://" + STACK.getServiceHost("prometheus", PROMETHEUS_PORT) + ":"
                + STACK.getServicePort("prometheus", PROMETHEUS_PORT)
                + "/api/v1/query?query=up%7Bjob%3D%22gemtrack-aggregator%22%7D%3D%3D1";
        Await.until("Prometheus to scrape the aggregator", PATIENCE, () -> get(up).contains("\"value\""));
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
