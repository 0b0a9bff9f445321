package io.gemtrack.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Prints a command's failure as picocli would, with its stack trace, but with every secret of the command's Kafka
 * settings (passwords, {@code sasl.jaas.config}) removed: an error must never show a password.
 */
final class RedactingExceptionHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        PrintWriter err = commandLine.getErr();
        err.print(commandLine.getColorScheme().stackTraceText(redacted(trace.toString(), commandLine.getCommandSpec())));
        err.flush();
        return commandLine.getExitCodeExceptionMapper() != null
                ? commandLine.getExitCodeExceptionMapper().getExitCode(failure)
                : commandLine.getCommandSpec().exitCodeOnExecutionException();
    }

    /** {@code text} redacted by the Kafka options of {@code command} and of the mixins it is made of. */
    private static String redacted(String text, CommandSpec command) {
        String redacted = text;
        if (command.userObject() instanceof KafkaOptions kafka) {
            redacted = kafka.redact(redacted);
        }
        for (CommandSpec mixin : command.mixins().values()) {
            redacted = redacted(redacted, mixin);
        }
        return redacted;
    }
}
