package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A machine-learning job with large sparse tensors: objects of hundreds of MiB to GiBs in VRAM or system memory,
 * created by its threads, of which the driver makes resident only the chunks in use, growing and shrinking. The
 * RFC charges the full size the moment one page is resident. The job forks data-loader workers, which inherit
 * its DRM fd and so hold every tensor; when the job ends before its workers, the tensors live on in them with
 * no one charged by the RFC until the last worker notices and exits.
 */
final class MlJobWorkload implements Workload {

    private static final int MAX_TENSORS = 8;
    private static final int MAX_WORKERS = 4;
    private static final int MAX_THREADS = 4;

    private record Tensor(long object, int handle) {
    }

    /** A training pod; its limits are what its data loaders' memory, next to the GPU memory memcg does not see, approaches. */
    private static final String POD = Cgroups.pod("burstable", "trainer");
    private static final String CONTAINER = Cgroups.containerdContainer(POD, "pytorch");

    private int job;
    private int gpuFd;
    private final List<Integer> threads = new ArrayList<>();
    private final List<Integer> workers = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Set<Long> mapped = new LinkedHashSet<>();

    @Override
    public void step(Machine machine) {
        if (job == 0) {
            if (workers.isEmpty()) {
                start(machine);
            } else {
                machine.kernel().exit(workers.remove(0));
            }
            return;
        }
        double roll = machine.roll();
        if (roll < 0.16) {
            allocate(machine);
        } else if (roll < 0.36) {
            grow(machine);
        } else if (roll < 0.46) {
            shrink(machine);
        } else if (roll < 0.53) {
            free(machine);
        } else if (roll < 0.59) {
            forkWorker(machine);
        } else if (roll < 0.64) {
            workerExits(machine);
        } else if (roll < 0.70) {
            toggleThread(machine);
        } else if (roll < 0.76) {
            toggleMapping(machine);
        } else if (roll < 0.995) {
            machine.sampleCounters(workers.isEmpty() || machine.chance(0.5) ? anyTask(machine) : machine.pick(workers));
        } else {
            end(machine);
        }
    }

    private void start(Machine machine) {
        Kernel kernel = machine.kernel();
        job = kernel.spawnInto("python3", CONTAINER);
        kernel.setMemoryMax(CONTAINER, Machine.GIB);
        kernel.setMemoryMax(POD, 3 * Machine.GIB / 2);
        // Mesa works on a dup of the fd the application opened: two fds, one DRM file.
        gpuFd = kernel.dup(job, kernel.open(job, machine.gpu()));
        for (int i = machine.between(1, 3); i > 0; i--) {
            threads.add(kernel.spawnThread(job, "pt_main_thread"));
        }
        machine.sampleCounters(job);
    }

    /** A thread creates the tensor, so it is its group's; a first chunk becomes resident right away. */
    private void allocate(Machine machine) {
        if (tensors.size() >= MAX_TENSORS) {
            return;
        }
        boolean vram = machine.chance(0.7);
        long size = vram ? machine.pagesBetween(256 * Machine.MIB, 2 * Machine.GIB) : machine.pagesBetween(64 * Machine.MIB, Machine.GIB);
        int creator = threads.isEmpty() ? job : machine.pick(threads);
        Buffer buffer = machine.kernel().create(creator, gpuFd, vram ? "vram" : "system", size).orElseThrow();
        tensors.add(new Tensor(buffer.object(), buffer.handle()));
        machine.kernel().pin(buffer.object(), Math.min(size, machine.pagesBetween(16 * Machine.MIB, 128 * Machine.MIB)));
    }

    private void grow(Machine machine) {
        if (tensors.isEmpty()) {
            return;
        }
        Kernel kernel = machine.kernel();
        long object = machine.pick(tensors).object();
        long missing = kernel.sizeBytes(object) - kernel.residentBytes(object);
        if (missing > 0) {
            kernel.pin(object, Math.min(missing, machine.pagesBetween(16 * Machine.MIB, 256 * Machine.MIB)));
        }
    }

    private void shrink(Machine machine) {
        if (tensors.isEmpty()) {
            return;
        }
        Kernel kernel = machine.kernel();
        long object = machine.pick(tensors).object();
        long resident = kernel.residentBytes(object);
        if (resident > 0) {
            kernel.unpin(object, Math.min(resident, machine.pagesBetween(16 * Machine.MIB, 256 * Machine.MIB)));
        }
    }

    private void free(Machine machine) {
        if (tensors.isEmpty()) {
            return;
        }
        Tensor tensor = tensors.remove(machine.between(0, tensors.size() - 1));
        if (mapped.remove(tensor.object())) {
            machine.kernel().munmap(job, tensor.object());
        }
        machine.kernel().closeHandle(job, gpuFd, tensor.handle());
    }

    /** A data-loader worker: fork copies the fd table (so it holds every tensor) and the mappings. */
    private void forkWorker(Machine machine) {
        if (workers.size() < MAX_WORKERS) {
            int worker = machine.kernel().fork(job, "pt_data_worker");
            workers.add(worker);
            machine.sampleCounters(worker);
        }
    }

    private void workerExits(Machine machine) {
        if (!workers.isEmpty()) {
            machine.kernel().exit(workers.remove(machine.between(0, workers.size() - 1)));
        }
    }

    private void toggleThread(Machine machine) {
        if (threads.size() < MAX_THREADS && (threads.isEmpty() || machine.chance(0.5))) {
            threads.add(machine.kernel().spawnThread(job, "pt_main_thread"));
        } else if (!threads.isEmpty()) {
            machine.kernel().exit(threads.remove(machine.between(0, threads.size() - 1)));
        }
    }

    private void toggleMapping(Machine machine) {
        if (tensors.isEmpty()) {
            return;
        }
        long object = machine.pick(tensors).object();
        if (mapped.remove(object)) {
            machine.kernel().munmap(job, object);
        } else {
            machine.kernel().mmap(anyTask(machine), object);
            mapped.add(object);
        }
    }

    /** The job's leader or one of its threads: they share the mm, so either may map or be sampled. */
    private int anyTask(Machine machine) {
        return threads.isEmpty() || machine.chance(0.5) ? job : machine.pick(threads);
    }

    /** The job exits; workers still running keep its tensors alive until they exit, one step at a time. */
    private void end(Machine machine) {
        machine.kernel().exit(job);
        job = 0;
        threads.clear();
        tensors.clear();
        mapped.clear();
    }
}
