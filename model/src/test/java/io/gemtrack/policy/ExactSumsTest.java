package io.gemtrack.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sums beyond a {@code long} stay exact while they run and read as the nearest {@code long}. */
class ExactSumsTest {

    @Test
    void sumBeyondALongReadsSaturatedAndComesBackExactlyWhenItsTermsAreRetracted() {
        ExactSums sums = new ExactSums(2);
        for (int i = 0; i < 3; i++) {
            sums.add(1, Long.MAX_VALUE);
        }
        assertThat(sums.get(1)).isEqualTo(Long.MAX_VALUE);
        assertThat(sums.exceeds(1, Long.MAX_VALUE - 1)).isTrue();
        sums.add(1, -Long.MAX_VALUE);
        sums.add(1, -Long.MAX_VALUE);
        assertThat(sums.get(1)).isEqualTo(Long.MAX_VALUE);
        sums.add(1, -1);
        assertThat(sums.get(1)).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(sums.exceeds(1, Long.MAX_VALUE - 1)).isFalse();
        assertThat(sums.get(0)).isZero();

        sums.add(0, Long.MIN_VALUE);
        sums.add(0, -1);
        assertThat(sums.get(0)).isEqualTo(Long.MIN_VALUE);
        sums.add(0, 1);
        assertThat(sums.get(0)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void randomAddsAndSumsOfSumsEqualTheirUnboundedSum() {
        Random random = new Random(7);
        List<Long> extremes = List.of(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, -1L, 1L, 0L);
        ExactSums sums = new ExactSums(2);
        BigInteger[] expected = {BigInteger.ZERO, BigInteger.ZERO};
        for (int i = 0; i < 100_000; i++) {
            int index = random.nextInt(2);
            if (random.nextInt(10) == 0) {
                int sign = random.nextBoolean() ? 1 : -1;
                sums.add(index, sign, sums, 1 - index);
                expected[index] = expected[index].add(expected[1 - index].multiply(BigInteger.valueOf(sign)));
            } else {
                long delta = random.nextBoolean() ? extremes.get(random.nextInt(extremes.size())) : random.nextLong();
                sums.add(index, delta);
                expected[index] = expected[index].add(BigInteger.valueOf(delta));
            }
            for (int sum = 0; sum < 2; sum++) {
                BigInteger exact = expected[sum];
                assertThat(sums.get(sum)).as("sum %d after %d adds", sum, i)
                        .isEqualTo(exact.max(BigInteger.valueOf(Long.MIN_VALUE)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue());
                long probe = random.nextLong();
                assertThat(sums.exceeds(sum, probe)).isEqualTo(exact.compareTo(BigInteger.valueOf(probe)) > 0);
            }
            if (expected[0].bitLength() > 120 || expected[1].bitLength() > 120) {
                sums.clear(0);
                sums.clear(1);
                expected[0] = BigInteger.ZERO;
                expected[1] = BigInteger.ZERO;
            }
        }
    }

    @Test
    void saturatedAddStopsAtTheLargestLong() {
        assertThat(ExactSums.saturatedAdd(Long.MAX_VALUE - 2, 2)).isEqualTo(Long.MAX_VALUE);
        assertThat(ExactSums.saturatedAdd(Long.MAX_VALUE - 2, 3)).isEqualTo(Long.MAX_VALUE);
        assertThat(ExactSums.saturatedAdd(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(ExactSums.saturatedAdd(40, 2)).isEqualTo(42);
    }
}
