package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A desktop where each policy would kill a different process, for a reason one can see on the host's page:
 * <ul>
 *   <li>a browser whose main process has the largest RSS: today's kernel ({@code rss}) sees nothing else, so it
 *       picks the browser;</li>
 *   <li>a compositor that allocates its clients' window buffers (as an X server allocates its DRI2 clients' back
 *       buffers) and hands them over, keeping no handle: {@code rfc} and {@code resident} charge every window to
 *       the compositor, whose kill frees little, since the clients keep their windows alive;</li>
 *   <li>a browser GPU process whose tiles every renderer maps: {@code holder} charges each renderer all of them,
 *       {@code proportional} a share;</li>
 *   <li>a leaker pinning private buffers it never frees: invisible to {@code rss}, it climbs the rankings of the
 *       holder policies ({@code freeable} first) until it crashes and starts again.</li>
 * </ul>
 * Nobody sets {@code oom_score_adj}: the story is about what each policy charges, and an adjustment of a few hundred
 * would outweigh every charge (a point is a thousandth of the host's memory). The processes live for minutes; a
 * client closes now and then and another opens, and the leaker's crash frees all it pinned, so there are exits to
 * look at too. Memory counters wander around each process's size rather than at random, to keep the story.
 */
final class DesktopWorkload implements Workload {

    private static final long BROWSER_ANON = 600 * Machine.MIB;
    private static final long COMPOSITOR_ANON = 150 * Machine.MIB;
    private static final long GPU_PROCESS_ANON = 100 * Machine.MIB;
    private static final long RENDERER_ANON = 120 * Machine.MIB;
    private static final long CLIENT_ANON = 60 * Machine.MIB;
    private static final long LEAKER_ANON = 30 * Machine.MIB;
    private static final int CLIENTS = 6;
    private static final int RENDERERS = 3;
    private static final int TILES = 16;
    /** Below the compositor's windows: the leaker overtakes the holder policies' victims, never the RFC's. */
    private static final long LEAK_LIMIT = 768 * Machine.MIB;
    private static final List<String> CLIENT_NAMES = List.of("terminal", "editor", "mail", "chat", "music", "files", "office");

    /** A window: its client's handle; the compositor keeps none. */
    private record Window(long object, int clientHandle) {
    }

    private record Client(int pid, int gpuFd, Window window) {
    }

    /** A tile: the GPU process's handle, and per renderer the dma-buf fd it maps the tile through. */
    private record Tile(long object, int gpuHandle, List<Integer> rendererFds) {
    }

    private int compositor;
    private int compositorFd;
    private final List<Client> clients = new ArrayList<>();
    private int browser;
    private int gpuProcess;
    private int gpuProcessFd;
    private final List<Integer> renderers = new ArrayList<>();
    private final List<Tile> tiles = new ArrayList<>();
    private int leaker;
    private int leakerFd;
    private long leaked;

    @Override
    public void step(Machine machine) {
        if (compositor == 0) {
            startSession(machine);
            return;
        }
        if (leaker == 0) {
            startLeaker(machine);
            return;
        }
        double roll = machine.roll();
        if (roll < 0.005) {
            leak(machine);
        } else if (roll < 0.0052) {
            replaceClient(machine, machine.between(0, clients.size() - 1));
        } else if (roll < 0.10) {
            replaceTile(machine, machine.between(0, tiles.size() - 1));
        } else {
            sampleSomeone(machine);
        }
    }

    private void startSession(Machine machine) {
        Kernel kernel = machine.kernel();
        compositor = kernel.spawn("compositor");
        compositorFd = kernel.open(compositor, machine.gpu());
        sample(machine, compositor, COMPOSITOR_ANON);
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(connectClient(machine, CLIENT_NAMES.get(i)));
        }
        browser = kernel.spawn("browser");
        sample(machine, browser, BROWSER_ANON);
        gpuProcess = kernel.fork(browser, "browser-gpu");
        gpuProcessFd = kernel.open(gpuProcess, machine.gpu());
        sample(machine, gpuProcess, GPU_PROCESS_ANON);
        for (int i = 0; i < RENDERERS; i++) {
            int renderer = kernel.fork(browser, "browser-renderer");
            renderers.add(renderer);
            sample(machine, renderer, RENDERER_ANON);
        }
        for (int i = 0; i < TILES; i++) {
            tiles.add(rasterTile(machine));
        }
    }

    /**
     * A client connects and the compositor allocates its window: created and pinned in the compositor's file, passed
     * as a dma-buf, imported by the client, and let go by the compositor, whose mm the RFC still charges for it.
     */
    private Client connectClient(Machine machine, String name) {
        Kernel kernel = machine.kernel();
        int client = kernel.spawn(name);
        int clientFd = kernel.open(client, machine.gpu());
        sample(machine, client, CLIENT_ANON);
        long size = machine.pagesBetween(128 * Machine.MIB, 160 * Machine.MIB);
        Buffer allocated = kernel.create(compositor, compositorFd, "system", size).orElseThrow();
        kernel.pin(allocated.object(), size);
        int compositorDmaBuf = kernel.export(compositor, compositorFd, allocated.handle());
        int clientDmaBuf = kernel.send(compositor, compositorDmaBuf, client);
        kernel.close(compositor, compositorDmaBuf);
        Buffer imported = kernel.importDmaBuf(client, clientDmaBuf, clientFd);
        kernel.close(client, clientDmaBuf);
        kernel.closeHandle(compositor, compositorFd, allocated.handle());
        return new Client(client, clientFd, new Window(imported.object(), imported.handle()));
    }

    /** A client closes; its window dies with it, and another client connects. */
    private void replaceClient(Machine machine, int index) {
        Client leaving = clients.get(index);
        machine.kernel().exit(leaving.pid());
        clients.set(index, connectClient(machine, machine.pick(CLIENT_NAMES)));
    }

    /** The GPU process rasterises a tile and hands it to every renderer, which maps it. */
    private Tile rasterTile(Machine machine) {
        Kernel kernel = machine.kernel();
        long size = machine.pagesBetween(24 * Machine.MIB, 56 * Machine.MIB);
        Buffer tile = kernel.create(gpuProcess, gpuProcessFd, "vram", size).orElseThrow();
        kernel.pin(tile.object(), size);
        int dmaBuf = kernel.export(gpuProcess, gpuProcessFd, tile.handle());
        List<Integer> rendererFds = new ArrayList<>();
        for (int renderer : renderers) {
            int fd = kernel.send(gpuProcess, dmaBuf, renderer);
            kernel.mmap(renderer, tile.object());
            rendererFds.add(fd);
        }
        kernel.close(gpuProcess, dmaBuf);
        return new Tile(tile.object(), tile.handle(), rendererFds);
    }

    /** A tile is drawn anew: the renderers drop the old one, the GPU process frees it and rasterises another. */
    private void replaceTile(Machine machine, int index) {
        Kernel kernel = machine.kernel();
        Tile old = tiles.get(index);
        for (int i = 0; i < renderers.size(); i++) {
            kernel.munmap(renderers.get(i), old.object());
            kernel.close(renderers.get(i), old.rendererFds().get(i));
        }
        kernel.closeHandle(gpuProcess, gpuProcessFd, old.gpuHandle());
        tiles.set(index, rasterTile(machine));
    }

    private void startLeaker(Machine machine) {
        leaker = machine.kernel().spawn("leaky-app");
        leakerFd = machine.kernel().open(leaker, machine.gpu());
        leaked = 0;
        sample(machine, leaker, LEAKER_ANON);
    }

    /** The leaker pins one more buffer it will never free; at its limit, or when the GPU is full, it crashes. */
    private void leak(Machine machine) {
        Kernel kernel = machine.kernel();
        long size = machine.pagesBetween(4 * Machine.MIB, 12 * Machine.MIB);
        Buffer buffer = kernel.create(leaker, leakerFd, machine.chance(0.5) ? "vram" : "system", size).orElseThrow();
        leaked += size;
        if (!kernel.pin(buffer.object(), size) || leaked >= LEAK_LIMIT) {
            kernel.exit(leaker);
            leaker = 0;
        }
    }

    private void sampleSomeone(Machine machine) {
        List<Integer> processes = new ArrayList<>(List.of(compositor, browser, gpuProcess, leaker));
        processes.addAll(renderers);
        clients.forEach(client -> processes.add(client.pid()));
        int pid = machine.pick(processes);
        long anon = pid == compositor ? COMPOSITOR_ANON : pid == browser ? BROWSER_ANON : pid == gpuProcess ? GPU_PROCESS_ANON
                : pid == leaker ? LEAKER_ANON : renderers.contains(pid) ? RENDERER_ANON : CLIENT_ANON;
        sample(machine, pid, anon);
    }

    /** Counters a few percent around {@code anon}, with a little file and shared memory and no swap. */
    private static void sample(Machine machine, int pid, long anon) {
        machine.kernel().sampleCounters(pid, machine.pagesBetween(8 * Machine.MIB, 24 * Machine.MIB),
                machine.pagesBetween(anon - anon / 20, anon + anon / 20), machine.pagesBetween(0, 4 * Machine.MIB), 0,
                machine.pagesBetween(256 * Machine.KIB, Machine.MIB));
    }
}
