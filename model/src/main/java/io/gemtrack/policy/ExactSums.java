package io.gemtrack.policy;

/**
 * A fixed number of sums of {@code long}s, each kept exactly in 128 bits and read as a {@code long} that saturates:
 * {@link Long#MAX_VALUE} (or {@link Long#MIN_VALUE}) when the exact sum lies beyond. The model's running totals are
 * added to and retracted from as objects change, so they must be exact, not saturated, while they run: a saturating
 * add would not be undone by the retraction that follows it. 2^11 objects at the schema's byte bound already exceed
 * a {@code long}; no sequence of events reaches 2^127.
 *
 * <p>One array, two slots a sum, no allocation per add: the adds are on the fold's hot path.
 */
public final class ExactSums {

    /** Per sum: its low 64 bits, read unsigned, then its high 64 bits, signed. */
    private final long[] words;

    public ExactSums(int sums) {
        words = new long[2 * sums];
    }

    /** Adds {@code delta} to sum {@code index}. */
    public void add(int index, long delta) {
        int low = 2 * index;
        long sum = words[low] + delta;
        // The carry out of the low word, plus the sign extension of delta into the high word.
        words[low + 1] += (Long.compareUnsigned(sum, words[low]) < 0 ? 1 : 0) + (delta >> 63);
        words[low] = sum;
    }

    /** Adds {@code sign} (1 or -1) times sum {@code from} of {@code other} to sum {@code index}, exactly. */
    public void add(int index, int sign, ExactSums other, int from) {
        long otherLow = other.words[2 * from];
        long otherHigh = other.words[2 * from + 1];
        if (sign < 0) {
            // Two's complement negation of the 128-bit value.
            otherLow = -otherLow;
            otherHigh = otherLow == 0 ? -otherHigh : ~otherHigh;
        }
        int low = 2 * index;
        long sum = words[low] + otherLow;
        words[low + 1] += otherHigh + (Long.compareUnsigned(sum, words[low]) < 0 ? 1 : 0);
        words[low] = sum;
    }

    /** Sum {@code index}, or the {@code long} nearest to it when it does not fit in one. */
    public long get(int index) {
        long low = words[2 * index];
        long high = words[2 * index + 1];
        // It fits in a long exactly when the high word is the low word's sign, extended.
        if (high == low >> 63) {
            return low;
        }
        return high < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    /** Whether sum {@code index} exceeds {@code value}. */
    public boolean exceeds(int index, long value) {
        long low = words[2 * index];
        long high = words[2 * index + 1];
        if (high != low >> 63) {
            return high >= 0;
        }
        return low > value;
    }

    /**
     * {@code a + b} for non-negative {@code a} and {@code b}, or {@link Long#MAX_VALUE} where that exceeds it: for a
     * figure computed once, or one that only grows, where saturating is exact enough and nothing is ever retracted.
     */
    public static long saturatedAdd(long a, long b) {
        return b > Long.MAX_VALUE - a ? Long.MAX_VALUE : a + b;
    }

    /** Sets sum {@code index} to 0. */
    public void clear(int index) {
        words[2 * index] = 0;
        words[2 * index + 1] = 0;
    }
}
