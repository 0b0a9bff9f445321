package io.gemtrack.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * What a command that failed prints: one line, {@code gemtrack COMMAND: what went wrong}, its causes included, and
 * the stack trace only when asked for with {@value #VERBOSE} or {@value #DEBUG_VARIABLE}{@code =1}: a user's
 * mistake (a busy port, an unreachable broker, a missing file) is told in words, not as a trace of the code.
 * Errors in the command line itself stay picocli's, with the usage message and status 2. Neither the line nor the
 * stack trace shows a secret of the command's Kafka settings (a password, {@code sasl.jaas.config}): they are
 * {@linkplain KafkaOptions#redact redacted}.
 */
final class FailureReport implements IExecutionExceptionHandler {

    /** The option that asks for stack traces, on every command. */
    static final String VERBOSE = "--verbose";
    /** The environment variable that asks for stack traces when set to {@code 1}. */
    static final String DEBUG_VARIABLE = "GEMTRACK_DEBUG";
    /** The exit status of a command that failed. */
    static final int FAILED = 1;

    private final Map<String, String> environment;

    FailureReport(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        CommandSpec command = commandLine.getCommandSpec();
        err.println(redacted(command.qualifiedName() + ": " + describe(failure), command));
        if (verbose(parseResult) || "1".equals(environment.get(DEBUG_VARIABLE))) {
            StringWriter trace = new StringWriter();
            failure.printStackTrace(new PrintWriter(trace));
            err.print(redacted(trace.toString(), command));
        }
        err.flush();
        return FAILED;
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

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The messages of {@code failure} and its causes joined by ": ", leaving out a cause whose message the one before
     * already has (Java often makes a wrapper's message of its cause's) and naming the type where there is no message.
     */
    static String describe(Throwable failure) {
        List<String> messages = new ArrayList<>();
        String previous = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage() == null || cause.getMessage().isBlank()
                    ? cause.getClass().getSimpleName() : cause.getMessage().strip();
            if (previous == null || !previous.contains(message)) {
                messages.add(message);
            }
            previous = message;
        }
        return String.join(": ", messages);
    }
}
