package io.gemtrack.cli;

import io.gemtrack.kafka.KafkaErrors;
import io.gemtrack.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * The check a command talking to Kafka makes before it starts: that the cluster answers, so that a wrong or
 * unresolvable {@code --bootstrap-server} is named within seconds, rather than after the clients' own timeouts of a
 * minute in an exception about their internals that never names the address; and that it takes the command's
 * credentials, so that a wrong password or an untrusted certificate says that authentication failed.
 */
final class KafkaReachability {

    /** How long the cluster has to answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private KafkaReachability() {
    }

    /**
     * Fails, naming the bootstrap servers and the option, unless the cluster {@code settings} point at describes
     * itself within {@link #TIMEOUT}. Returns at once, with the thread's interrupt kept, if the thread is interrupted.
     */
    static void require(KafkaSettings settings) {
        String servers = settings.bootstrapServers();
        Map<String, Object> config = settings.admin();
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
            if (e.getCause() instanceof AuthorizationException) {
                // It answered and took the login; what this principal may do is the command's to check, naming the ACL.
                return;
            }
            if (e.getCause() instanceof AuthenticationException) {
                throw new IllegalStateException("Kafka at " + servers + " refused gemtrack: " + KafkaErrors.explain(e), e.getCause());
            }
            throw unreachable(servers, e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
                    ? "no answer within " + TIMEOUT.toSeconds() + " s" : FailureReport.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static IllegalStateException unreachable(String servers, String reason) {
        return new IllegalStateException("cannot reach Kafka at " + servers + " (--bootstrap-server): " + reason);
    }
}
