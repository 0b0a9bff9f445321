package io.gemtrack.dashboards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** External tools the dashboard tests run, and the project files they read. */
final class Tools {

    private Tools() {
    }

    /** The binary on the PATH; a clear failure (not a skip) when missing, since the test script installs it. */
    static Path require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(name + " is not on the PATH; run scripts/install-deps (scripts/test "
                + "does) to install it from Debian's packages");
    }

    /** Runs the tool to its end and returns what it printed (stdout and stderr); fails unless it exits 0. */
    static String run(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(require(tool).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + status + "; output:\n" + output);
        }
        return output;
    }

    /** A TCP port no one listens on now, for a server the test starts (as text: it goes into arguments). */
    static String freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return Integer.toString(socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A path inside the dashboards module, wherever Maven was started from. */
    static Path moduleFile(String relative) {
        return moduleDirectory().resolve(relative);
    }

    /** An absolute path of the repository, outside this module too ({@code docker/...}). */
    static Path projectFile(String relative) {
        return moduleDirectory().toAbsolutePath().getParent().resolve(relative).normalize();
    }

    /** Maven runs the tests in the module's directory; an IDE may run them from the repository's. */
    private static Path moduleDirectory() {
        return Files.isDirectory(Path.of("grafana")) ? Path.of("") : Path.of("dashboards");
    }
}
