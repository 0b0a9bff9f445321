package io.gemtrack.aggregator.kafka;

import io.gemtrack.model.HostModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the runtime does when checkpointing, exporting or showing one host fails unexpectedly: that host alone is
 * quarantined (SEMANTICS.md §10), logged once with the error, and everything else goes on. Called under the fleet's
 * lock, like every change of a model.
 */
public final class HostQuarantine {

    private static final Logger log = LoggerFactory.getLogger(HostQuarantine.class);

    private HostQuarantine() {
    }

    /** Quarantines {@code host} because {@code what} failed with {@code error}; a host already quarantined keeps its reason. */
    public static void quarantine(HostModel host, String what, Throwable error) {
        if (host.quarantineReason().isPresent()) {
            return;
        }
        String reason = what + " failed: " + error;
        log.error("host {} quarantined: its events are skipped until a snapshot or a new boot; {}", host.host(), reason, error);
        host.quarantine(reason);
    }
}
