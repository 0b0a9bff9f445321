package io.gemtrack.aggregator.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.aggregator.model.ApplyResult;
import io.gemtrack.aggregator.model.FleetModel;
import io.gemtrack.events.Event;
import io.gemtrack.producer.scenario.BasicScenario;
import org.junit.jupiter.api.Test;

/**
 * The differential check in process, on the only scenario the producer has so far: its events folded
 * through the model must give exactly the ground truth. The emulator's seeded scenarios and their reported
 * ground truth are to replace the hand-written truth (see {@link BasicScenarioTruth}).
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
