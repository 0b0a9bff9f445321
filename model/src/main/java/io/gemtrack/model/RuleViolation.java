package io.gemtrack.model;

/**
 * An event breaks a rule of SEMANTICS.md. Thrown only before the model is touched, so catching it leaves the
 * model as it was. It carries no stack trace: it is an expected outcome of bad input, not a bug.
 */
final class RuleViolation extends RuntimeException {

    RuleViolation(String reason) {
        super(reason, null, false, false);
    }
}
