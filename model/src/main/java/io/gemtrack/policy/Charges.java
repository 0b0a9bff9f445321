package io.gemtrack.policy;

/**
 * The bytes charged to one process under each policy, kept up to date by the {@link Ledger}: exact, and read
 * saturated at {@link Long#MAX_VALUE} (see {@link ExactSums}), since a process may hold more than a {@code long}.
 */
public final class Charges {

    private final ExactSums bytes = new ExactSums(Policy.all().size());

    public long get(Policy policy) {
        return bytes.get(policy.ordinal());
    }

    void add(Policy policy, long delta) {
        bytes.add(policy.ordinal(), delta);
    }
}
