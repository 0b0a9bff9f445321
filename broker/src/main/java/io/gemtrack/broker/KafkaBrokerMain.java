package io.gemtrack.broker;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Entry point of the broker's child JVM: formats the KRaft log directory (idempotently, so a restart keeps
 * its data) and runs Apache Kafka's own {@code kafka.Kafka}. It exits when its standard input closes, so a
 * broker never outlives the process that started it, even one killed with SIGKILL.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster-id>");
            System.exit(2);
        }
        String properties = args[0];
        String clusterId = args[1];
        int formatted = kafka.tools.StorageTool.execute(
                new String[] {"format", "--ignore-formatted", "-t", clusterId, "-c", properties}, new PrintStream(System.out, true));
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
