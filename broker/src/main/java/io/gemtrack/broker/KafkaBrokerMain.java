package io.gemtrack.broker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of the broker's child JVM: formats the KRaft log directory (idempotently, so a restart keeps
 * its data), with the SCRAM credentials of the cluster's users, and runs Apache Kafka's own {@code kafka.Kafka}. It exits when its standard input closes, so a
 * broker never outlives the process that started it, even one killed with SIGKILL.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster-id> <file of --add-scram arguments>");
            System.exit(2);
        }
        String properties = args[0];
        String clusterId = args[1];
        // The credentials come in a file, not on the command line, where anyone on the machine could read them.
        List<String> format = new ArrayList<>(List.of("format", "--ignore-formatted", "-t", clusterId, "-c", properties));
        format.addAll(Files.readAllLines(Path.of(args[2])));
        int formatted = kafka.tools.StorageTool.execute(format.toArray(String[]::new), new PrintStream(System.out, true));
        if (formatted != 0) {
            System.err.println("formatting the KRaft storage failed with status " + formatted);
            System.exit(formatted);
        }
        Thread watchdog = new Thread(KafkaBrokerMain::exitWhenParentGoes, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(new String[] {properties});
    }

    private static void exitWhenParentGoes() {
        try {
            while (System.in.read() >= 0) {
                // The parent never writes; any byte is ignored until end of stream.
            }
        } catch (IOException ignored) {
            // A broken pipe means the parent is gone, the same as end of stream.
        }
        Runtime.getRuntime().halt(0);
    }
}
