package io.gemtrack.policy;

/**
 * The bytes charged to one process under each policy, and the status figures of the objects it holds, kept up to
 * date by the {@link Ledger}.
 */
public final class Charges {

    private static final StatusFigure[] FIGURES = StatusFigure.values();

    private final long[] bytes = new long[Policy.all().size()];
    private final long[] status = new long[FIGURES.length];

    public long get(Policy policy) {
        return bytes[policy.ordinal()];
    }

    void add(Policy policy, long delta) {
        bytes[policy.ordinal()] += delta;
    }

    /** Σ of {@code figure} over the objects the process holds. */
    public long get(StatusFigure figure) {
        return status[figure.ordinal()];
    }

    void add(StatusFigure figure, long delta) {
        status[figure.ordinal()] += delta;
    }
}
