package io.gemtrack.cli;

import io.gemtrack.aggregator.Aggregator;
import io.gemtrack.aggregator.kafka.CheckpointHistory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AggregateCommandTest {

    @Test
    void negativeTopProcessesIsRejectedBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new AggregateCommand());
        commandLine.setErr(new PrintWriter(err, true));

        assertThat(commandLine.execute("--top-processes", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("--top-processes must be 0 or more, not -1");
    }

    @Test
    void helpDocumentsTopProcessesWithItsDefault() {
        String usage = new CommandLine(new AggregateCommand()).getUsageMessage();

        assertThat(usage).contains("--top-processes", "Default: 10");
    }

    @Test
    void checkpointIntervalTakesADurationWithItsUnitAndDefaultsToTheConfigsDefault() {
        assertThat(CommandLine.populateCommand(new AggregateCommand(), "--checkpoint-interval", "200ms").checkpointInterval)
                .isEqualTo(Duration.ofMillis(200));
        assertThat(CommandLine.populateCommand(new AggregateCommand()).checkpointInterval)
                .isEqualTo(Aggregator.Config.DEFAULT_CHECKPOINT_INTERVAL);
    }

    @Test
    void checkpointHistoryIntervalDefaultsToTheHistorysDefaultAndZeroTurnsItOff() {
        assertThat(CommandLine.populateCommand(new AggregateCommand()).checkpointHistoryInterval())
                .isEqualTo(CheckpointHistory.DEFAULT_INTERVAL);
        assertThat(CommandLine.populateCommand(new AggregateCommand(), "--checkpoint-history-interval", "5s")
                .checkpointHistoryInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(CommandLine.populateCommand(new AggregateCommand(), "--checkpoint-history-interval", "0")
                .checkpointHistoryInterval()).isZero();
        AggregateCommand soon = CommandLine.populateCommand(new AggregateCommand(), "--checkpoint-history-interval", "soon");
        assertThatThrownBy(soon::checkpointHistoryInterval).isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--checkpoint-history-interval").hasMessageContaining("or 0 for none");
    }

    @Test
    void hostsAreStaleAfterFiveMinutesAndDroppedAfterAnHourUnlessToldOtherwise() {
        AggregateCommand defaults = CommandLine.populateCommand(new AggregateCommand());
        assertThat(defaults.hostStaleAfter).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.hostDropAfter).isEqualTo(Duration.ofHours(1));
        AggregateCommand set = CommandLine.populateCommand(new AggregateCommand(), "--host-stale-after", "30s", "--host-drop-after", "2m");
        assertThat(set.hostStaleAfter).isEqualTo(Duration.ofSeconds(30));
        assertThat(set.hostDropAfter).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aDropTimeNotLongerThanTheStaleTimeIsRejectedNamingBothFlagsBeforeAnythingStarts() {
        for (String[] times : new String[][] {{"5m", "5m"}, {"90s", "1m"}, {"2h", "90m"}}) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = new CommandLine(new AggregateCommand());
            commandLine.setErr(new PrintWriter(err, true));

            assertThat(commandLine.execute("--host-stale-after", times[0], "--host-drop-after", times[1])).as(times[1]).isEqualTo(2);
            assertThat(err.toString()).contains("--host-drop-after (" + times[1] + ") must be longer than --host-stale-after ("
                    + times[0] + ")");
        }
    }

    @Test
    void aFailedAggregatorLingersFiveSecondsUnlessToldOtherwise() {
        assertThat(CommandLine.populateCommand(new AggregateCommand()).lingerAfterFailure).isEqualTo(Duration.ofSeconds(5));
        assertThat(CommandLine.populateCommand(new AggregateCommand(), "--linger-after-failure", "100ms").lingerAfterFailure)
                .isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aBadCheckpointIntervalIsNamedInTheErrorBeforeAnythingStarts() {
        for (String bad : new String[] {"0s", "soon", "30"}) {
            StringWriter err = new StringWriter();
            CommandLine commandLine = new CommandLine(new AggregateCommand());
            commandLine.setErr(new PrintWriter(err, true));

            assertThat(commandLine.execute("--checkpoint-interval", bad)).as(bad).isEqualTo(2);
            assertThat(err.toString()).contains("Invalid value for option '--checkpoint-interval': '" + bad
                    + "' is not a positive interval like 500ms, 5s, 2m or 1h");
        }
    }
}
