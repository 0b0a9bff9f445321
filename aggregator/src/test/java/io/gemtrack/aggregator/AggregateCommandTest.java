package io.gemtrack.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
}
