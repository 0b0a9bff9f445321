package io.gemtrack.model;

import io.gemtrack.events.EventBody.MmCounters;
import io.gemtrack.events.EventBody;

/**
 * Bugs planted in a host model, for the tests of what a bug does: no valid event breaks the model (that is what
 * the rules are for), so these reach past the rules into the state as only the model's own code could.
 */
public final class ModelFaults {

    private ModelFaults() {
    }

    /**
     * Object {@code object} forgets that process {@code pid} holds it while the process keeps its references: the next
     * release of one of them fails inside the fold.
     */
    public static void forgetHolder(HostModel model, long object, int pid) {
        model.state.objects.get(object).removeHolder(model.state.processes.get(pid));
    }

    /**
     * A process without a counters sample, which no event can make: exporting the host (its OOM figures, its checkpoint,
     * its API views) fails, while applying its events does not.
     */
    public static void addProcessWithoutCounters(HostModel model, int pid) {
        MmCounters none = null;
        model.state.addProcess(pid, 1, "broken", 0, none, EventBody.ROOT_CGROUP);
    }
}
