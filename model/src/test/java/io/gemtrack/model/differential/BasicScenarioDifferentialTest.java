package io.gemtrack.model.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.testkit.BasicScenario;
import org.junit.jupiter.api.Test;

/**
 * The hand-written story folded through the model must give exactly its hand-worked truth ({@link
 * BasicScenarioTruth}): a small, readable case beside the emulator's seeded ones ({@link EmulatorDifferentialTest}).
 */
class BasicScenarioDifferentialTest {

    @Test
    void foldedScenarioMatchesTheGroundTruthToTheByte() {
        FleetModel fleet = new FleetModel();
        for (Event event : BasicScenario.events("host-a", "boot-1")) {
            assertThat(fleet.apply(event)).as("applying %s", event).isEqualTo(ApplyResult.APPLIED);
        }

        assertThat(HostFigures.of(fleet.host("host-a"))).usingRecursiveComparison().isEqualTo(BasicScenarioTruth.figures());
    }
}
