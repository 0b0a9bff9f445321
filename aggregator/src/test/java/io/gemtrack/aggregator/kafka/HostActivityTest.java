package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Stale and drop times against explicit moments of the aggregator's clock. */
class HostActivityTest {

    private static final long SECOND = 1_000_000_000L;
    private final HostActivity activity = new HostActivity(new HostActivity.Expiry(Duration.ofSeconds(10), Duration.ofSeconds(60)));

    @Test
    void aHostIsStaleFromTheStaleTimeAndDueForDropFromTheDropTimeAndAnyRecordMakesItFreshAgain() {
        activity.heard("a", new HostActivity.Receipt(100 * SECOND, 1_000));
        activity.heard("b", new HostActivity.Receipt(130 * SECOND, 31_000));

        assertThat(activity.stale("a", 109 * SECOND)).isFalse();
        assertThat(activity.stale("a", 110 * SECOND)).isTrue();
        assertThat(activity.silentSeconds("a", 125 * SECOND)).hasValue(25.0);
        assertThat(activity.lastHeardEpochMillis("a")).hasValue(1_000);
        assertThat(activity.dropDue(159 * SECOND)).isEmpty();
        assertThat(activity.dropDue(160 * SECOND)).containsExactly("a");

        activity.heard("a", new HostActivity.Receipt(160 * SECOND, 61_000));
        assertThat(activity.stale("a", 160 * SECOND)).isFalse();
        assertThat(activity.dropDue(190 * SECOND)).containsExactly("b");
        activity.forget("b");
        assertThat(activity.silentSeconds("b", 190 * SECOND)).isEmpty();
        assertThat(activity.stale("b", 190 * SECOND)).isFalse();
    }

    @Test
    void theDropTimeMustBeLongerThanThePositiveStaleTime() {
        assertThatThrownBy(() -> new HostActivity.Expiry(Duration.ofMinutes(5), Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dropAfter (PT5M) must be longer than staleAfter (PT5M)");
        assertThatThrownBy(() -> new HostActivity.Expiry(Duration.ZERO, Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("staleAfter must be positive, not PT0S");
    }
}
