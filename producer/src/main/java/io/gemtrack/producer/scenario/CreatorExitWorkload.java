package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A creator that exits while importers keep its buffers alive: a camera service allocates capture buffers on the
 * etnaviv GPU and shares them with a recorder, which imports them on the discrete GPU and maps some; then the
 * service exits (or restarts). Its buffers stay resident in the recorder, charged to no one by the RFC (orphaned)
 * until the recorder releases them one by one.
 */
final class CreatorExitWorkload implements Workload {

    private int recorder;
    private int recorderFd;
    private int camera;
    private int cameraFd;
    /** The recorder's imports: object and handle. */
    private final List<Buffer> imports = new ArrayList<>();
    private final Set<Long> mapped = new LinkedHashSet<>();

    @Override
    public void step(Machine machine) {
        Kernel kernel = machine.kernel();
        if (recorder == 0) {
            recorder = kernel.spawnInto("recorder", Cgroups.systemService("recorder"));
            recorderFd = kernel.open(recorder, machine.gpu());
            machine.sampleCounters(recorder);
            return;
        }
        if (camera == 0) {
            camera = kernel.spawnInto("camera-service", Cgroups.systemService("camera"));
            cameraFd = kernel.open(camera, machine.npu());
            for (int i = machine.between(2, 4); i > 0; i--) {
                share(machine);
            }
            return;
        }
        double roll = machine.roll();
        if (roll < 0.2) {
            kernel.exit(camera);
            camera = 0;
        } else if (roll < 0.4) {
            release(machine);
        } else if (roll < 0.55) {
            toggleMapping(machine);
        } else if (roll < 0.65) {
            share(machine);
        } else if (roll < 0.99) {
            machine.sampleCounters(machine.chance(0.5) ? recorder : camera);
        } else {
            kernel.exit(recorder);
            recorder = 0;
            imports.clear();
            mapped.clear();
        }
    }

    private void share(Machine machine) {
        Kernel kernel = machine.kernel();
        long size = machine.pagesBetween(4 * Machine.MIB, 32 * Machine.MIB);
        Buffer buffer = kernel.create(camera, cameraFd, "system", size).orElseThrow();
        kernel.pin(buffer.object(), size);
        int dmaBufFd = kernel.export(camera, cameraFd, buffer.handle());
        int received = kernel.send(camera, dmaBufFd, recorder);
        kernel.close(camera, dmaBufFd);
        imports.add(kernel.importDmaBuf(recorder, received, recorderFd));
        kernel.close(recorder, received);
    }

    /** The recorder releases its oldest import; a mapping of it keeps it alive until unmapped. */
    private void release(Machine machine) {
        if (!imports.isEmpty()) {
            machine.kernel().closeHandle(recorder, recorderFd, imports.remove(0).handle());
        }
    }

    private void toggleMapping(Machine machine) {
        if (!mapped.isEmpty() && (imports.isEmpty() || machine.chance(0.5))) {
            long object = mapped.iterator().next();
            mapped.remove(object);
            machine.kernel().munmap(recorder, object);
        } else if (!imports.isEmpty()) {
            long object = machine.pick(imports).object();
            if (mapped.add(object)) {
                machine.kernel().mmap(recorder, object);
            }
        }
    }
}
