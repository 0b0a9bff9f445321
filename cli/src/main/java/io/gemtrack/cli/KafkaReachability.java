package io.gemtrack.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;

/**
 * The check a command talking to Kafka makes before it starts: that the cluster answers, so that a wrong or
 * unresolvable {@code --bootstrap-server} is named within seconds, rather than after the clients' own timeouts of a
 * minute in an exception about their internals that never names the address.
 */
final class KafkaReachability {

    /** How long the cluster has to answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private KafkaReachability() {
    }

    /**
     * Fails, naming the bootstrap servers and the option, unless the cluster {@code clientConfig} points at describes
     * itself within {@link #TIMEOUT}. Returns at once, with the thread's interrupt kept, if the thread is interrupted.
     */
    static void require(Map<String, Object> clientConfig) {
        Object servers = clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (KafkaException e) {
            // An unresolvable host fails here, at construction.
            throw unreachable(servers, FailureReport.describe(e));
        }
        try {
            admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw unreachable(servers, "no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw unreachable(servers, e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                    ? "no answer within " + TIMEOUT.toSeconds() + " s" : FailureReport.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static IllegalStateException unreachable(Object servers, String reason) {
        return new IllegalStateException("cannot reach Kafka at " + servers + " (--bootstrap-server): " + reason);
    }
}
