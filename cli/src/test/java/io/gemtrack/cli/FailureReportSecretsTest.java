package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** A failing command's report never shows a secret of its Kafka settings, neither in its one line nor in the stack trace. */
class FailureReportSecretsTest {

    private static final String PASSWORD = "p4ssw0rd-never-shown";

    /** A command that fails the way a Kafka client could, repeating a setting's value in its message. */
    @Command(name = "failing")
    static final class Failing implements Callable<Integer> {

        @Mixin
        KafkaOptions kafka;

        @Override
        public Integer call() {
            kafka.settings();
            throw new IllegalStateException("cannot log in with " + PASSWORD,
                    new IllegalArgumentException("password=\"" + PASSWORD + "\""));
        }
    }

    @Test
    void theLineAndTheStackTraceShowNoSecretOfTheKafkaSettings() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Failing())
                .setExecutionExceptionHandler(new FailureReport(Map.of(FailureReport.DEBUG_VARIABLE, "1")));
        commandLine.setErr(new PrintWriter(err, true));

        int status = commandLine.execute("--kafka-property", "sasl.jaas.config=org.apache.kafka.common.security.scram"
                + ".ScramLoginModule required username=\"u\" password=\"" + PASSWORD + "\";");

        assertThat(status).isEqualTo(FailureReport.FAILED);
        assertThat(err.toString()).contains("failing: cannot log in with [hidden]: password=\"[hidden]\"",
                "java.lang.IllegalStateException: cannot log in with [hidden]",
                "Caused by: java.lang.IllegalArgumentException: password=\"[hidden]\"", "at io.gemtrack.cli.")
                .doesNotContain(PASSWORD);
    }

    @Test
    void everyCommandOfTheLauncherReportsFailuresSo() {
        CommandLine gemtrack = Gemtrack.commandLine();

        assertThat(gemtrack.getSubcommands().values()).allSatisfy(subcommand ->
                assertThat(subcommand.getExecutionExceptionHandler()).isInstanceOf(FailureReport.class));
    }
}
