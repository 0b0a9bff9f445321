package io.gemtrack.model.differential;

import static io.gemtrack.policy.Policy.freeable;
import static io.gemtrack.policy.Policy.holder;
import static io.gemtrack.policy.Policy.proportional;
import static io.gemtrack.policy.Policy.resident;
import static io.gemtrack.policy.Policy.rfc;
import static io.gemtrack.policy.Policy.rss;

import io.gemtrack.policy.Policy;
import io.gemtrack.testkit.BasicScenario;
import java.util.Map;

/**
 * The ground truth of {@link BasicScenario}'s end state, worked out by hand from its story because the
 * producer does not report ground truth yet: client 200 created the 8 MiB buffer and shares it with
 * compositor 100 (both hold it); no HostMemory, so {@code oom_score_adj} weighs nothing.
 */
public final class BasicScenarioTruth {

    private static final long MIB = 1L << 20;
    private static final long SHARED = BasicScenario.SHARED_BUFFER_BYTES;

    private BasicScenarioTruth() {
    }

    public static HostFigures figures() {
        Map<Policy, Integer> victims = HostFigures.perPolicy(policy -> 100);
        return new HostFigures(
                Map.of(100, policy(0, 0, 0, SHARED / 2, SHARED, 0),
                        200, policy(0, SHARED, SHARED, SHARED / 2, SHARED, 0)),
                policy(SHARED, 0, 0, 0, 0, SHARED),
                policy(0, 0, 0, 0, SHARED, 0),
                0, SHARED, SHARED,
                // anon + page tables: file pages stay cached, the shared buffer stays alive in the other holder
                Map.of(100, 33 * MIB, 200, 25 * MIB),
                victims, 100, HostFigures.perPolicy(policy -> false),
                // No driver reports status or its own use of a region in this story.
                Map.of(100, HostFigures.perFigure(figure -> 0L), 200, HostFigures.perFigure(figure -> 0L)),
                HostFigures.perFigure(figure -> 0L), 0, 0, 0, 0);
    }

    /** Figures in the order rss, rfc, resident, proportional, holder, freeable. */
    private static Map<Policy, Long> policy(long... figures) {
        return Map.of(rss, figures[0], rfc, figures[1], resident, figures[2], proportional, figures[3],
                holder, figures[4], freeable, figures[5]);
    }
}
