package io.gemtrack.policy;

/**
 * The bytes charged to one process under each policy, and the status figures of the objects it holds, kept up to
 * date by the {@link Ledger}: exact, and read saturated at {@link Long#MAX_VALUE} (see {@link ExactSums}), since a
 * process may hold more than a {@code long}.
 */
public final class Charges {

    private final ExactSums bytes = new ExactSums(Policy.all().size());
    private final ExactSums status = new ExactSums(StatusFigure.values().length);

    public long get(Policy policy) {
        return bytes.get(policy.ordinal());
    }

    void add(Policy policy, long delta) {
        bytes.add(policy.ordinal(), delta);
    }

    /** Σ of {@code figure} over the objects the process holds. */
    public long get(StatusFigure figure) {
        return status.get(figure.ordinal());
    }

    void add(StatusFigure figure, long delta) {
        status.add(figure.ordinal(), delta);
    }
}
