package io.gemtrack.model;

/** What the model did with one event. */
public sealed interface ApplyResult {

    /** The event changed the model. */
    record Applied() implements ApplyResult {
    }

    /** The event's {@code seq} was seen before; the model ignored it. */
    record Duplicate() implements ApplyResult {
    }

    /** The host lost events and waits for a snapshot; the model ignored this one (SEMANTICS.md §8). */
    record Skipped() implements ApplyResult {
    }

    /** The event breaks the model's invariants; the model is unchanged and the event goes to dead letters. */
    record Rejected(String reason) implements ApplyResult {
    }

    /**
     * Applying the event failed unexpectedly (a bug, not bad input): the host is quarantined from now on, its state
     * kept as the failure left it (SEMANTICS.md §10).
     *
     * @param cause what the model caught, for the runtime's log
     */
    record Quarantined(String reason, Throwable cause) implements ApplyResult {
    }

    /** The host is quarantined and waits for a snapshot or a new boot; the model ignored this event. */
    record QuarantineSkipped() implements ApplyResult {
    }

    ApplyResult APPLIED = new Applied();
    ApplyResult DUPLICATE = new Duplicate();
    ApplyResult SKIPPED = new Skipped();
    ApplyResult QUARANTINE_SKIPPED = new QuarantineSkipped();

    static ApplyResult rejected(String reason) {
        return new Rejected(reason);
    }
}
