package io.gemtrack.producer.scenario;

import io.gemtrack.producer.kernel.Kernel;
import io.gemtrack.producer.kernel.Kernel.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A video pipeline passing dma-bufs along: a decoder fills a pool of NV12 frames on the etnaviv GPU and passes
 * each to a renderer, which imports them on the discrete GPU (mapping some to read them on the CPU); the
 * renderer's GL thread draws into output buffers in VRAM, which a display sink imports on the CMA display
 * controller. Each buffer is charged by the RFC to its creator only, while two processes keep it alive. A
 * resolution change replaces the frame pool; at the end the stages exit one by one in any order, so frames
 * and outputs outlive their creator for a while.
 */
final class VideoPipelineWorkload implements Workload {

    private static final List<long[]> RESOLUTIONS = List.of(new long[] {1280, 720}, new long[] {1920, 1080}, new long[] {3840, 2160});
    private static final long OUTPUT_BYTES = Machine.pages(1920 * 1080 * 4);
    private static final int OUTPUTS = 3;

    /** A buffer known to two stages: the handle of its creating stage and the import of the next. */
    private record Shared(long object, int creatorHandle, int importHandle) {
    }

    private static final String CONTAINER = Cgroups.dockerContainer("video-pipeline");

    private int decoder;
    private int decoderFd;
    private int renderer;
    private int rendererFd;
    private int glThread;
    private int sink;
    private int sinkFd;
    private boolean stopping;
    private final List<Shared> frames = new ArrayList<>();
    private final List<Shared> outputs = new ArrayList<>();
    /** Frames the renderer has mapped (once each). */
    private final Set<Long> mapped = new LinkedHashSet<>();

    @Override
    public void step(Machine machine) {
        if (decoder == 0 && renderer == 0 && sink == 0) {
            start(machine);
        } else if (stopping) {
            stopOneStage(machine);
        } else {
            double roll = machine.roll();
            if (roll < 0.35) {
                readFrame(machine);
            } else if (roll < 0.43) {
                toggleGlThread(machine);
            } else if (roll < 0.50) {
                changeResolution(machine);
            } else if (roll < 0.58) {
                replaceOutput(machine);
            } else if (roll < 0.99) {
                machine.sampleCounters(machine.pick(List.of(decoder, renderer, sink)));
            } else {
                stopping = true;
            }
        }
    }

    private void start(Machine machine) {
        Kernel kernel = machine.kernel();
        decoder = kernel.spawnInto("video-decoder", CONTAINER);
        renderer = kernel.spawnInto("video-renderer", CONTAINER);
        sink = kernel.spawnInto("video-sink", CONTAINER);
        decoderFd = kernel.open(decoder, machine.npu());
        rendererFd = kernel.open(renderer, machine.gpu());
        sinkFd = kernel.open(sink, machine.display());
        glThread = kernel.spawnThread(renderer, "gl-thread");
        allocateFrames(machine);
        for (int i = 0; i < OUTPUTS; i++) {
            allocateOutput(machine);
        }
    }

    private void allocateFrames(Machine machine) {
        long[] resolution = machine.pick(RESOLUTIONS);
        long frameBytes = Machine.pages(resolution[0] * resolution[1] * 3 / 2);
        int count = machine.between(4, 8);
        for (int i = 0; i < count; i++) {
            frames.add(share(machine, decoder, decoder, decoderFd, "system", frameBytes, renderer, rendererFd));
        }
    }

    /** The GL thread draws: outputs are created by the thread, and so charged to the renderer's mm. */
    private void allocateOutput(Machine machine) {
        outputs.add(share(machine, glThread != 0 ? glThread : renderer, renderer, rendererFd, "vram", OUTPUT_BYTES, sink, sinkFd));
    }

    /** {@code creatorTask} creates and pins a buffer, exports it and passes it to {@code importer}, which imports it. */
    private static Shared share(Machine machine, int creatorTask, int creator, int creatorFd, String region, long bytes,
                                int importer, int importerFd) {
        Kernel kernel = machine.kernel();
        Buffer buffer = kernel.create(creatorTask, creatorFd, region, bytes).orElseThrow();
        kernel.pin(buffer.object(), bytes);
        int dmaBufFd = kernel.export(creator, creatorFd, buffer.handle());
        int received = kernel.send(creator, dmaBufFd, importer);
        Buffer imported = kernel.importDmaBuf(importer, received, importerFd);
        kernel.close(importer, received);
        kernel.close(creator, dmaBufFd);
        return new Shared(buffer.object(), buffer.handle(), imported.handle());
    }

    private void readFrame(Machine machine) {
        long frame = machine.pick(frames).object();
        if (mapped.remove(frame)) {
            machine.kernel().munmap(renderer, frame);
        } else {
            machine.kernel().mmap(renderer, frame);
            mapped.add(frame);
        }
    }

    private void toggleGlThread(Machine machine) {
        if (glThread == 0) {
            glThread = machine.kernel().spawnThread(renderer, "gl-thread");
        } else {
            machine.kernel().exit(glThread);
            glThread = 0;
        }
    }

    private void changeResolution(Machine machine) {
        Kernel kernel = machine.kernel();
        for (Shared frame : frames) {
            if (mapped.remove(frame.object())) {
                kernel.munmap(renderer, frame.object());
            }
            kernel.closeHandle(renderer, rendererFd, frame.importHandle());
            kernel.closeHandle(decoder, decoderFd, frame.creatorHandle());
        }
        frames.clear();
        allocateFrames(machine);
    }

    private void replaceOutput(Machine machine) {
        Shared output = outputs.remove(machine.between(0, outputs.size() - 1));
        machine.kernel().closeHandle(sink, sinkFd, output.importHandle());
        machine.kernel().closeHandle(renderer, rendererFd, output.creatorHandle());
        allocateOutput(machine);
    }

    /** One stage exits; the buffers it shared stay alive in the others until the last of them is gone. */
    private void stopOneStage(Machine machine) {
        List<Integer> running = new ArrayList<>();
        for (int stage : new int[] {decoder, renderer, sink}) {
            if (stage != 0) {
                running.add(stage);
            }
        }
        int stage = machine.pick(running);
        machine.kernel().exit(stage);
        if (stage == decoder) {
            decoder = 0;
        } else if (stage == renderer) {
            renderer = 0;
            glThread = 0;
        } else {
            sink = 0;
        }
        if (decoder == 0 && renderer == 0 && sink == 0) {
            frames.clear();
            outputs.clear();
            mapped.clear();
            stopping = false;
        }
    }
}
