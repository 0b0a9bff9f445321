package io.gemtrack.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The checks of a port option a command makes before it starts anything: that the value is a port, and that the port
 * is free, so that a busy one is named with the option that moves it rather than found by a part started later.
 */
final class Ports {

    private static final int HIGHEST = 65_535;

    private Ports() {
    }

    /** Fails with a usage error unless {@code port} is 0 (any free port) or a TCP port. */
    static void requireValid(CommandSpec spec, String option, int port) {
        if (port < 0 || port > HIGHEST) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + port
                    + " is not a port (1 to " + HIGHEST + ", or 0 for any free one)");
        }
    }

    /**
     * Fails, naming the port and {@code option}, if something listens on {@code port} of {@code bindAddress} already;
     * port 0 is always free. Another process may still take the port before the command does: then the part that
     * listens reports it.
     */
    static void requireFree(String option, String bindAddress, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(bindAddress, port));
        } catch (BindException e) {
            throw new IllegalStateException("port " + port + " (on " + bindAddress + ") is in use; " + option
                    + " picks another (0: any free port)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + bindAddress + ":" + port + " (" + option + ")", e);
        }
    }
}
