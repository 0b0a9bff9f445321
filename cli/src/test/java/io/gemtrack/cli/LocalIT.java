package io.gemtrack.cli;

import static io.gemtrack.testkit.ProcTree.fdinfo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.testkit.ApiClient;
import io.gemtrack.testkit.ProcTree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gemtrack local} against a fixture procfs in place of this machine's: the one command brings up broker,
 * collector and aggregator, and the web view's API shows the host's DRM clients, and a process that exits as exited.
 */
class LocalIT {

    @Test
    void oneCommandShowsThisMachinesDrmClientsInTheWebViewsApi(@TempDir Path root) throws Exception {
        ProcTree tree = new ProcTree(root);
        tree.process(1, "systemd", 0, 1);
        tree.process(500, "gnome-shell", 1, 400).drmFd(12, "/dev/dri/renderD128", fdinfo("i915.txt"));
        LocalCommand command = new LocalCommand();
        new CommandLine(command).parseArgs("--http-port", "0", "--proc", tree.root().toString(), "--interval", "200ms");
        command.validate();
        try (Pipeline local = command.start()) {
            assertThat(local.addresses()).startsWith("gemtrack local is running").contains("web view      http://localhost:"
                    + local.httpPort() + "/");
            ApiClient api = new ApiClient(local.httpPort());
            JsonNode processes = api.await("/api/hosts/" + ProcTree.HOSTNAME + "/processes?policy=rfc",
                    answer -> answer.path("processes").findValuesAsText("comm").contains("gnome-shell"));
            JsonNode shell = null;
            for (JsonNode process : processes.get("processes")) {
                shell = process.get("pid").asInt() == 500 ? process : shell;
            }
            assertThat(shell).as("pid 500 in %s", processes).isNotNull();
            assertThat(shell.get("charges").get("rfc").asLong()).as("what rfc charges gnome-shell").isPositive();

            tree.remove(500);
            JsonNode exit = api.await("/api/hosts/" + ProcTree.HOSTNAME + "/exits/500", answer -> answer.has("pid"));
            assertThat(exit.get("comm").asText()).isEqualTo("gnome-shell");
            assertThat(api.get("/api/hosts/" + ProcTree.HOSTNAME + "/processes/500").status()).isEqualTo(404);
        }
    }
}
