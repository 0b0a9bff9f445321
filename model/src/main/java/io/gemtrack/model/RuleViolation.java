package io.gemtrack.model;

/**
 * An event breaks a rule of SEMANTICS.md. Thrown only before the model is touched, so catching it leaves the
 * model as it was. It carries no stack trace: it is an expected outcome of bad input, not a bug.
 */
final class RuleViolation extends RuntimeException {

    private RuleViolation(String reason) {
        super(reason, null, false, false);
    }

    /**
     * The rule an event breaks. Checks call it only once they fail, as {@code if (...) throw violation(...)}
     * rather than through a {@code require(condition, ...)}: the arguments' array and boxes would be made on
     * every event, valid or not, and the fold is hot.
     */
    static RuleViolation violation(String reason, Object... arguments) {
        return new RuleViolation(String.format(reason, arguments));
    }
}
