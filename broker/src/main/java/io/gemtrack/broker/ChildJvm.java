package io.gemtrack.broker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A second JVM on this JVM's class path: for programs whose threads, heap and exit must stay out of ours. */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** A process builder for {@code java <jvmOptions> -cp <our class path> <mainClass> <arguments>}. */
    public static ProcessBuilder builder(List<String> jvmOptions, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(arguments);
        return new ProcessBuilder(command);
    }
}
