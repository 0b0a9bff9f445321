package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A fork-heavy workload: a GPU-using server forks workers (and workers fork their own), which inherit its DRM fd
 * and its mapping of a shared buffer; workers exec, start threads, make buffers of their own through the
 * inherited fd (charged to them, but kept alive by the shared file after they exit) and exit. This is where the
 * fork flaw shows: with it on, each worker's {@code MM_DRIVERPAGES} starts as a copy of its parent's.
 */
final class ForkHeavyWorkload implements Workload {

    private static final int MAX_WORKERS = 10;

    private record Worker(int pid, List<Integer> threads) {
    }

    private int server;
    private int npuFd;
    /** The server's own buffers; the first is mapped. */
    private final List<Buffer> own = new ArrayList<>();
    /** Buffers workers made through the shared file, which the server cleans up. */
    private final List<Buffer> made = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();

    @Override
    public void step(Machine machine) {
        if (server == 0) {
            start(machine);
            return;
        }
        double roll = machine.roll();
        if (roll < 0.22) {
            forkWorker(machine);
        } else if (roll < 0.32) {
            execWorker(machine);
        } else if (roll < 0.46) {
            workerExits(machine);
        } else if (roll < 0.52) {
            toggleThread(machine);
        } else if (roll < 0.60) {
            workerMakesBuffer(machine);
        } else if (roll < 0.68) {
            toggleResidency(machine);
        } else if (roll < 0.74) {
            cleanUp(machine);
        } else if (roll < 0.995) {
            machine.sampleCounters(workers.isEmpty() || machine.chance(0.2) ? server : machine.pick(workers).pid());
        } else {
            workers.forEach(worker -> machine.kernel().exit(worker.pid()));
            workers.clear();
            machine.kernel().exit(server);
            server = 0;
            own.clear();
            made.clear();
        }
    }

    private void start(Machine machine) {
        Kernel kernel = machine.kernel();
        server = kernel.spawnInto("shader-server", Cgroups.systemService("shader-server"));
        npuFd = kernel.open(server, machine.npu());
        for (int i = 0; i < 2; i++) {
            long size = machine.pagesBetween(Machine.MIB, 8 * Machine.MIB);
            Buffer buffer = kernel.create(server, npuFd, "system", size).orElseThrow();
            kernel.pin(buffer.object(), size);
            own.add(buffer);
        }
        kernel.mmap(server, own.get(0).object());
        machine.sampleCounters(server);
    }

    /** From the server or, a third of the time, from a worker: the child inherits the fd table and the mappings. */
    private void forkWorker(Machine machine) {
        if (workers.size() >= MAX_WORKERS) {
            return;
        }
        int parent = workers.isEmpty() || machine.chance(0.67) ? server : machine.pick(workers).pid();
        int pid = machine.kernel().fork(parent, "worker");
        if (pid % 2 == 0) {
            // Handed to a unit of its own, as a template service's instance is.
            machine.kernel().migrate(pid, Cgroups.systemService("shader-worker@" + pid));
        }
        workers.add(new Worker(pid, new ArrayList<>()));
        machine.sampleCounters(pid);
    }

    /** A new program, run by the worker or one of its threads: the inherited mappings go with the old mm, the fd table stays. */
    private void execWorker(Machine machine) {
        if (!workers.isEmpty()) {
            Worker worker = machine.pick(workers);
            machine.kernel().exec(worker.threads().isEmpty() ? worker.pid() : worker.threads().get(0), "cc1");
            worker.threads().clear();
            machine.sampleCounters(worker.pid());
        }
    }

    private void workerExits(Machine machine) {
        if (!workers.isEmpty()) {
            machine.kernel().exit(workers.remove(machine.between(0, workers.size() - 1)).pid());
        }
    }

    private void toggleThread(Machine machine) {
        if (workers.isEmpty()) {
            return;
        }
        Worker worker = machine.pick(workers);
        if (worker.threads().isEmpty()) {
            worker.threads().add(machine.kernel().spawnThread(worker.pid(), "worker-thread"));
        } else {
            machine.kernel().exit(worker.threads().remove(0));
        }
    }

    private void workerMakesBuffer(Machine machine) {
        if (workers.isEmpty()) {
            return;
        }
        Worker worker = machine.pick(workers);
        int task = worker.threads().isEmpty() ? worker.pid() : worker.threads().get(0);
        long size = machine.pagesBetween(256 * Machine.KIB, 4 * Machine.MIB);
        Buffer buffer = machine.kernel().create(task, npuFd, "system", size).orElseThrow();
        machine.kernel().pin(buffer.object(), size);
        made.add(buffer);
    }

    private void toggleResidency(Machine machine) {
        Kernel kernel = machine.kernel();
        long object = machine.pick(own).object();
        long resident = kernel.residentBytes(object);
        if (resident > 0) {
            kernel.unpin(object, resident);
        } else {
            kernel.pin(object, kernel.sizeBytes(object));
        }
    }

    /** The server closes the handles workers left in the shared file. */
    private void cleanUp(Machine machine) {
        made.forEach(buffer -> machine.kernel().closeHandle(server, npuFd, buffer.handle()));
        made.clear();
    }
}
