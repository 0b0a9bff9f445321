package io.gemtrack.dashboards;

import java.nio.file.Files;
import java.nio.file.Path;

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
        throw new IllegalStateException(name + " is not on the PATH; run scripts/install-deps (the README's test "
                + "command does) to install it from Debian's packages");
    }

    /** A path inside the dashboards module, wherever Maven was started from. */
    static Path moduleFile(String relative) {
        Path fromModule = Path.of(relative);
        return Files.exists(fromModule) ? fromModule : Path.of("dashboards").resolve(relative);
    }
}
