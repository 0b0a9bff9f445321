package io.gemtrack.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docker/docker-compose.yml is valid for Debian's docker-compose 1.29 (installed by scripts/install-deps; it
 * needs no Docker engine to check a file), has the demo's services, and mounts only files that exist.
 */
class ComposeConfigTest {

    static final Path COMPOSE_FILE = Tools.moduleFile("../docker/docker-compose.yml");

    @Test
    void composeFileIsValid() throws Exception {
        assertThat(compose("config", "-q")).isEmpty();
    }

    @Test
    void composeFileRunsTheWholeDemo() throws Exception {
        assertThat(compose("config", "--services").lines())
                .containsExactlyInAnyOrder("kafka", "producer", "aggregator", "prometheus", "grafana");
    }

    /** Compose creates a missing bind-mount source as an empty directory, which would hide a wrong path. */
    @Test
    void everyMountedFileExists() throws Exception {
        List<String> sources = new ArrayList<>();
        for (String line : compose("config").lines().map(String::strip).toList()) {
            // Resolved short syntax: "- /absolute/source:/target[:mode]".
            if (line.startsWith("- /") && line.contains(":/")) {
                sources.add(line.substring(2, line.indexOf(":/")));
            }
        }
        assertThat(sources).hasSize(4).allSatisfy(source -> assertThat(Path.of(source)).exists());
    }

    private static String compose(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Tools.require("docker-compose").toString(), "-f",
                COMPOSE_FILE.toAbsolutePath().normalize().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s exit status; output:%n%s", String.join(" ", command), output).isZero();
        return output;
    }
}
