package io.gemtrack.kafka;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/**
 * Kafka's errors as an operator needs to read them: a refused login says that authentication failed and with
 * which settings to look, a missing ACL names the topic, the group or the cluster and the operation.
 */
public final class KafkaErrors {

    private KafkaErrors() {
    }

    /** The error behind the wrappers of futures ({@link ExecutionException}, {@link CompletionException}). */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** What went wrong, in a sentence for an operator. */
    public static String explain(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof SslAuthenticationException) {
            return "authentication failed: the TLS handshake with the brokers failed (check ssl.truststore.* and the brokers'"
                    + " certificates): " + cause.getMessage();
        }
        if (cause instanceof AuthenticationException) {
            return "authentication failed: the brokers refused gemtrack's credentials (check security.protocol,"
                    + " sasl.mechanism and sasl.jaas.config): " + cause.getMessage();
        }
        if (cause instanceof TopicAuthorizationException topics) {
            return "not authorized: no ACL allows this principal the operation on topic(s) "
                    + String.join(", ", topics.unauthorizedTopics()) + ": " + cause.getMessage();
        }
        if (cause instanceof GroupAuthorizationException group) {
            return "not authorized: no ACL allows this principal to READ consumer group " + group.groupId() + ": " + cause.getMessage();
        }
        if (cause instanceof ClusterAuthorizationException) {
            return "not authorized: no ACL allows this principal the operation on the cluster: " + cause.getMessage();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    /** An error saying what gemtrack was {@code doing} and {@link #explain explaining} why it failed. */
    public static IllegalStateException failure(String doing, Throwable error) {
        return new IllegalStateException(doing + ": " + explain(error), unwrap(error));
    }
}
