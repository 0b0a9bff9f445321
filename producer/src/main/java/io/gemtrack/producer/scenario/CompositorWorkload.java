package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Wayland compositor and its clients. The seat daemon opens the display controller and passes the fd to the
 * compositor over a unix socket. The compositor scans out of two CMA frame buffers (charged to it at creation)
 * and maps a small CMA cursor. Clients render windows into GPU buffers (VRAM or system), export each as a
 * dma-buf, pass the fd over the Wayland socket, and the compositor imports it into its display file; old X11
 * clients (DRI2) share by flink name instead, which the compositor opens in its own GPU file. Every window
 * buffer has two holders, and the RFC charges only the client. Clients
 * come and go; a client that exits leaves its buffers alive in the compositor until it lets them go; the
 * session restarts now and then, which takes every client with the compositor.
 */
final class CompositorWorkload implements Workload {

    private static final int MAX_CLIENTS = 6;
    private static final int MAX_SURFACES = 4;
    private static final long FRAME_BYTES = Machine.pages(1920 * 1080 * 4);
    private static final long CURSOR_BYTES = Machine.pages(64 * 64 * 4);
    private static final List<String> CLIENT_NAMES = List.of("terminal", "editor", "mail", "chat", "music", "files", "office");
    private static final String KIOSK_POD = Cgroups.pod("besteffort", "kiosk");

    /** A window buffer: the client's handle in its GPU file and the compositor's in its file at {@code compositorFd}. */
    private record Surface(long object, int clientHandle, int compositorFd, int compositorHandle) {
    }

    /** A handle of the compositor's, in its file at {@code fd}. */
    private record Import(int fd, int handle) {
    }

    private record Client(int pid, int gpuFd, List<Surface> surfaces) {
    }

    private int seat;
    /** Clients connected so far. */
    private long connected;
    private int compositor;
    private int displayFd;
    private int gpuFd;
    private long cursor;
    private boolean cursorMapped;
    private final List<Client> clients = new ArrayList<>();
    /** The compositor's imports of buffers whose client has exited. */
    private final List<Import> leftovers = new ArrayList<>();

    @Override
    public void step(Machine machine) {
        if (compositor == 0) {
            start(machine);
            return;
        }
        double roll = machine.roll();
        if (roll < 0.12) {
            connectClient(machine);
        } else if (roll < 0.35) {
            createSurface(machine);
        } else if (roll < 0.50) {
            destroySurface(machine);
        } else if (roll < 0.58) {
            evictOrRestore(machine);
        } else if (roll < 0.66) {
            clientExits(machine);
        } else if (roll < 0.72) {
            releaseLeftovers(machine);
        } else if (roll < 0.78) {
            moveCursor(machine);
        } else if (roll < 0.995) {
            machine.sampleCounters(clients.isEmpty() || machine.chance(0.3) ? compositor : machine.pick(clients).pid());
        } else {
            endSession(machine);
        }
    }

    private void start(Machine machine) {
        Kernel kernel = machine.kernel();
        if (seat == 0) {
            seat = kernel.spawnInto("seatd", Cgroups.systemService("seatd"));
            kernel.setOomScoreAdj(seat, -1000);
        }
        compositor = kernel.spawnInto("weston", Cgroups.USER_SESSION);
        int seatFd = kernel.open(seat, machine.display());
        displayFd = kernel.send(seat, seatFd, compositor);
        kernel.close(seat, seatFd);
        gpuFd = kernel.open(compositor, machine.gpu());
        kernel.create(compositor, displayFd, "cma", FRAME_BYTES);
        kernel.create(compositor, displayFd, "cma", FRAME_BYTES);
        Optional<Buffer> cursorBuffer = kernel.create(compositor, displayFd, "cma", CURSOR_BYTES);
        cursor = cursorBuffer.map(Buffer::object).orElse(0L);
        machine.sampleCounters(compositor);
    }

    private void connectClient(Machine machine) {
        if (clients.size() >= MAX_CLIENTS) {
            return;
        }
        Kernel kernel = machine.kernel();
        // Every third client is a kiosk pod's container, whose windows the compositor outside the pod holds too; the
        // others are the user's applications, each moved into a scope of its own once started.
        String name = machine.pick(CLIENT_NAMES);
        int pid;
        if (connected++ % 3 == 0) {
            pid = kernel.spawnInto(name, Cgroups.containerdContainer(KIOSK_POD, name));
        } else {
            pid = kernel.spawnInto(name, Cgroups.USER_APPS);
            kernel.migrate(pid, Cgroups.appScope(name, pid));
        }
        if (machine.chance(0.5)) {
            kernel.setOomScoreAdj(pid, machine.between(1, 200));
        }
        clients.add(new Client(pid, kernel.open(pid, machine.gpu()), new ArrayList<>()));
        machine.sampleCounters(pid);
    }

    private void createSurface(Machine machine) {
        List<Client> room = clients.stream().filter(client -> client.surfaces().size() < MAX_SURFACES).toList();
        if (room.isEmpty()) {
            return;
        }
        Kernel kernel = machine.kernel();
        Client client = machine.pick(room);
        long size = machine.pagesBetween(256 * Machine.KIB, 16 * Machine.MIB);
        Buffer buffer = kernel.create(client.pid(), client.gpuFd(), machine.chance(0.7) ? "vram" : "system", size).orElseThrow();
        kernel.pin(buffer.object(), size);
        if (machine.chance(0.2)) {
            int handle = kernel.openHandle(compositor, gpuFd, buffer.object());
            client.surfaces().add(new Surface(buffer.object(), buffer.handle(), gpuFd, handle));
            return;
        }
        int dmaBufFd = kernel.export(client.pid(), client.gpuFd(), buffer.handle());
        int received = kernel.send(client.pid(), dmaBufFd, compositor);
        Buffer imported = kernel.importDmaBuf(compositor, received, displayFd);
        kernel.close(compositor, received);
        kernel.close(client.pid(), dmaBufFd);
        client.surfaces().add(new Surface(buffer.object(), buffer.handle(), displayFd, imported.handle()));
    }

    private void destroySurface(Machine machine) {
        List<Client> drawing = clients.stream().filter(client -> !client.surfaces().isEmpty()).toList();
        if (drawing.isEmpty()) {
            return;
        }
        Client client = machine.pick(drawing);
        Surface surface = client.surfaces().remove(machine.between(0, client.surfaces().size() - 1));
        Kernel kernel = machine.kernel();
        if (machine.chance(0.5)) {
            kernel.closeHandle(client.pid(), client.gpuFd(), surface.clientHandle());
            kernel.closeHandle(compositor, surface.compositorFd(), surface.compositorHandle());
        } else {
            kernel.closeHandle(compositor, surface.compositorFd(), surface.compositorHandle());
            kernel.closeHandle(client.pid(), client.gpuFd(), surface.clientHandle());
        }
    }

    /** The driver moves a window buffer out of memory, or back: residency without a change of holders. */
    private void evictOrRestore(Machine machine) {
        List<Surface> surfaces = clients.stream().flatMap(client -> client.surfaces().stream()).toList();
        if (surfaces.isEmpty()) {
            return;
        }
        Kernel kernel = machine.kernel();
        long object = machine.pick(surfaces).object();
        long resident = kernel.residentBytes(object);
        if (resident > 0) {
            kernel.unpin(object, resident);
        } else {
            kernel.pin(object, kernel.sizeBytes(object));
        }
    }

    private void clientExits(Machine machine) {
        if (clients.isEmpty()) {
            return;
        }
        Client client = clients.remove(machine.between(0, clients.size() - 1));
        machine.kernel().exit(client.pid());
        client.surfaces().forEach(surface -> leftovers.add(new Import(surface.compositorFd(), surface.compositorHandle())));
    }

    private void releaseLeftovers(Machine machine) {
        leftovers.forEach(leftover -> machine.kernel().closeHandle(compositor, leftover.fd(), leftover.handle()));
        leftovers.clear();
    }

    private void moveCursor(Machine machine) {
        if (cursor == 0) {
            return;
        }
        if (cursorMapped) {
            machine.kernel().munmap(compositor, cursor);
        } else {
            machine.kernel().mmap(compositor, cursor);
        }
        cursorMapped = !cursorMapped;
    }

    /** The compositor goes, and every client loses its connection and exits with it. */
    private void endSession(Machine machine) {
        machine.kernel().exit(compositor);
        clients.forEach(client -> machine.kernel().exit(client.pid()));
        clients.clear();
        leftovers.clear();
        compositor = 0;
        cursor = 0;
        cursorMapped = false;
    }
}
