package io.gemtrack.policy;

/** The bytes charged to one process under each policy, kept up to date by the {@link Ledger}. */
public final class Charges {

    private final long[] bytes = new long[Policy.all().size()];

    public long get(Policy policy) {
        return bytes[policy.ordinal()];
    }

    void add(Policy policy, long delta) {
        bytes[policy.ordinal()] += delta;
    }
}
