package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A browser: the main process forks a GPU process, which alone talks to the GPU, and a renderer per tab, with
 * a high {@code oom_score_adj} (higher in the background) so that the OOM killer takes tabs first. The GPU
 * process rasterises tiles into GPU buffers and hands each to its tab as a dma-buf fd, which the renderer
 * maps: the RFC charges every tile to the GPU process, while the tab holds it too. Tabs open and close; the
 * GPU process crashes now and then, leaving its tiles alive in the tabs until they drop them, and is started
 * again.
 */
final class BrowserWorkload implements Workload {

    private static final int MAX_TABS = 8;
    private static final int MAX_TILES_PER_TAB = 6;

    /** A tile: the GPU process's handle (valid while that GPU process lives) and the tab's dma-buf fd and mapping. */
    private record Tile(long object, int gpuProcess, int gpuHandle, int tabFd) {
    }

    private record Tab(int pid, List<Tile> tiles) {
    }

    private static final String BROWSER_SCOPE = Cgroups.USER_APPS + "/app-org.chromium.Chromium-1.scope";

    private int browser;
    private int gpuProcess;
    private int gpuFd;
    private final List<Tab> tabs = new ArrayList<>();

    @Override
    public void step(Machine machine) {
        if (browser == 0) {
            // Started by the user's systemd, then moved into a scope of its own, whose limit the renderers approach.
            browser = machine.kernel().spawnInto("chrome", Cgroups.USER_APPS);
            machine.kernel().migrate(browser, BROWSER_SCOPE);
            machine.kernel().setMemoryMax(BROWSER_SCOPE, 2 * Machine.GIB);
            startGpuProcess(machine);
            return;
        }
        if (gpuProcess == 0 && machine.chance(0.5)) {
            startGpuProcess(machine);
            return;
        }
        double roll = machine.roll();
        if (roll < 0.12) {
            openTab(machine);
        } else if (roll < 0.40) {
            rasterTile(machine);
        } else if (roll < 0.58) {
            dropTile(machine);
        } else if (roll < 0.66) {
            closeTab(machine);
        } else if (roll < 0.72) {
            if (!tabs.isEmpty()) {
                machine.kernel().setOomScoreAdj(machine.pick(tabs).pid(), machine.between(300, 1000));
            }
        } else if (roll < 0.985) {
            List<Integer> processes = new ArrayList<>(List.of(browser));
            if (gpuProcess != 0) {
                processes.add(gpuProcess);
            }
            tabs.forEach(tab -> processes.add(tab.pid()));
            machine.sampleCounters(machine.pick(processes));
        } else if (roll < 0.995) {
            if (gpuProcess != 0) {
                machine.kernel().exit(gpuProcess);
                gpuProcess = 0;
            }
        } else {
            quit(machine);
        }
    }

    private void startGpuProcess(Machine machine) {
        gpuProcess = machine.kernel().fork(browser, "chrome-gpu");
        gpuFd = machine.kernel().open(gpuProcess, machine.gpu());
        machine.sampleCounters(gpuProcess);
    }

    private void openTab(Machine machine) {
        if (tabs.size() < MAX_TABS) {
            int tab = machine.kernel().fork(browser, "chrome-renderer");
            machine.kernel().setOomScoreAdj(tab, 300);
            tabs.add(new Tab(tab, new ArrayList<>()));
            machine.sampleCounters(tab);
        }
    }

    private void rasterTile(Machine machine) {
        List<Tab> room = tabs.stream().filter(tab -> tab.tiles().size() < MAX_TILES_PER_TAB).toList();
        if (gpuProcess == 0 || room.isEmpty()) {
            return;
        }
        Kernel kernel = machine.kernel();
        Tab tab = machine.pick(room);
        long size = machine.pagesBetween(256 * Machine.KIB, 4 * Machine.MIB);
        Buffer buffer = kernel.create(gpuProcess, gpuFd, machine.chance(0.6) ? "system" : "vram", size).orElseThrow();
        kernel.pin(buffer.object(), size);
        int dmaBufFd = kernel.export(gpuProcess, gpuFd, buffer.handle());
        int tabFd = kernel.send(gpuProcess, dmaBufFd, tab.pid());
        kernel.close(gpuProcess, dmaBufFd);
        kernel.mmap(tab.pid(), buffer.object());
        tab.tiles().add(new Tile(buffer.object(), gpuProcess, buffer.handle(), tabFd));
    }

    private void dropTile(Machine machine) {
        List<Tab> drawing = tabs.stream().filter(tab -> !tab.tiles().isEmpty()).toList();
        if (drawing.isEmpty()) {
            return;
        }
        Tab tab = machine.pick(drawing);
        Tile tile = tab.tiles().remove(machine.between(0, tab.tiles().size() - 1));
        Kernel kernel = machine.kernel();
        kernel.munmap(tab.pid(), tile.object());
        kernel.close(tab.pid(), tile.tabFd());
        releaseInGpuProcess(kernel, tile);
    }

    private void closeTab(Machine machine) {
        if (tabs.isEmpty()) {
            return;
        }
        Tab tab = tabs.remove(machine.between(0, tabs.size() - 1));
        machine.kernel().exit(tab.pid());
        tab.tiles().forEach(tile -> releaseInGpuProcess(machine.kernel(), tile));
    }

    /** The GPU process lets go of a tile it made; tiles of a crashed GPU process went with it. */
    private void releaseInGpuProcess(Kernel kernel, Tile tile) {
        if (tile.gpuProcess() == gpuProcess) {
            kernel.closeHandle(gpuProcess, gpuFd, tile.gpuHandle());
        }
    }

    private void quit(Machine machine) {
        tabs.forEach(tab -> machine.kernel().exit(tab.pid()));
        tabs.clear();
        if (gpuProcess != 0) {
            machine.kernel().exit(gpuProcess);
        }
        machine.kernel().exit(browser);
        gpuProcess = 0;
        browser = 0;
    }
}
