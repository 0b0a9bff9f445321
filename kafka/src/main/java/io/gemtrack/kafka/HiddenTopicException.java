package io.gemtrack.kafka;

/**
 * A topic this principal may neither see nor create. Kafka does not tell the two cases apart: the topic does not exist
 * and no ACL allows creating it, or it exists and no ACL allows this principal anything on it.
 */
public final class HiddenTopicException extends IllegalStateException {

    private final String topic;

    HiddenTopicException(String topic, Throwable cause) {
        super("cannot create topic " + topic + ": not authorized: no ACL allows this principal to CREATE it (on the topic"
                + " or the cluster), or it exists and this principal may not DESCRIBE it", cause);
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }
}
