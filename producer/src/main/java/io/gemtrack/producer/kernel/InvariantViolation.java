package io.gemtrack.producer.kernel;

/**
 * An invariant of the emulated kernel broke (a negative counter, a handle on a closed file, a free of an object
 * still referenced). The emulator, unlike the aggregator, never sees bad input: every call comes from its own
 * scenarios, so a violation is a bug in them or in the kernel, and it stops the run loudly.
 */
public final class InvariantViolation extends IllegalStateException {

    InvariantViolation(String message) {
        super(message);
    }

    static void require(boolean condition, String reason, Object... arguments) {
        if (!condition) {
            throw new InvariantViolation(String.format(reason, arguments));
        }
    }
}
