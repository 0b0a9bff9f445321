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

    ApplyResult APPLIED = new Applied();
    ApplyResult DUPLICATE = new Duplicate();
    ApplyResult SKIPPED = new Skipped();

    static ApplyResult rejected(String reason) {
        return new Rejected(reason);
    }
}
