package io.gemtrack.testkit;

import java.nio.file.Path;

/**
 * The hosts of the fixtures in {@code fixtures/}: one per driver family and sharing case, built from files in the
 * kernel's formats (each directory's README says which kernel code prints them). Each method makes the host's
 * {@code proc}, {@code sys} and {@code dev} under {@code dir}.
 */
public final class KernelFixtures {

    /** The Radeon of the amdgpu and sharing hosts, behind its PCIe switch. */
    public static final String AMDGPU_DEVICE = "pci0000:00/0000:00:01.1/0000:01:00.0/0000:02:00.0/0000:03:00.0";
    public static final String I915_DEVICE = "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:03:00.0";
    public static final String XE_DEVICE = "pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:03:00.0";
    public static final String MSM_DEVICE = "platform/soc@0/ae00000.display-subsystem";
    public static final String PANFROST_DEVICE = "platform/fde60000.gpu";
    public static final String V3D_DEVICE = "platform/soc/fec00000.v3d";
    public static final String NPU_DEVICE = "pci0000:00/0000:00:0b.0";
    /** Where the camera service of {@link #mappingOnly} maps its preview buffer. */
    public static final long PREVIEW_MAPPING = 0x7f2a40000000L;

    private KernelFixtures() {
    }

    /** A file of {@code fixtures/FAMILY/}. */
    public static String fixture(String family, String file) {
        return ProcTree.resource("/fixtures/" + family + "/" + file);
    }

    /**
     * The compositor on card0 and a game under VRAM pressure on renderD128 of one Radeon, whose sysfs says what it
     * uses of VRAM and GTT, on a kernel whose meminfo counts GPU drivers' system memory.
     */
    public static ProcTree amdgpu(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/card0", AMDGPU_DEVICE).device("/dev/dri/renderD128", AMDGPU_DEVICE)
                .deviceAttribute(AMDGPU_DEVICE, "mem_info_vram_used", fixture("amdgpu", "mem_info_vram_used").strip())
                .deviceAttribute(AMDGPU_DEVICE, "mem_info_gtt_used", fixture("amdgpu", "mem_info_gtt_used").strip())
                .meminfo(16L << 20, 2L << 20, fixture("amdgpu", "meminfo-gpu-lines"));
        tree.process(1500, "kwin_wayland", 1, 1400).drmFd(18, "/dev/dri/card0", fixture("amdgpu", "compositor.fdinfo"));
        tree.process(3000, "game", 1, 2900).drmFd(11, "/dev/dri/renderD128", fixture("amdgpu", "game-vram-evicted.fdinfo"));
        return tree;
    }

    /** A client of a 6.4 kernel's amdgpu, which printed only the legacy drm-memory keys. */
    public static ProcTree amdgpuLegacy(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/renderD128", AMDGPU_DEVICE);
        tree.process(2500, "blender", 1, 2400).drmFd(7, "/dev/dri/renderD128", fixture("amdgpu", "legacy-6.4.fdinfo"));
        return tree;
    }

    /** The compositor and Chrome's GPU process on an i915 DG2, a tile still open as a dma-buf in both. */
    public static ProcTree i915(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/card0", I915_DEVICE).device("/dev/dri/renderD128", I915_DEVICE);
        tree.process(1500, "gnome-shell", 1, 1400).drmFd(14, "/dev/dri/card0", fixture("i915", "compositor.fdinfo"))
                .dmaBufFd(40, fixture("i915", "tile.dmabuf"));
        tree.process(2200, "chrome", 1, 2100).drmFd(23, "/dev/dri/renderD128", fixture("i915", "chrome-gpu.fdinfo"))
                .dmaBufFd(57, fixture("i915", "tile.dmabuf"));
        return tree;
    }

    /**
     * A training job on an xe BMG and the two data loaders it forked, which inherited its fd; the dmem cgroup
     * controller counts the device's VRAM.
     */
    public static ProcTree xe(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/renderD128", XE_DEVICE)
                .sysFile("fs/cgroup/dmem.capacity", fixture("xe", "dmem.capacity"))
                .sysFile("fs/cgroup/dmem.current", fixture("xe", "dmem.current"));
        String training = fixture("xe", "training.fdinfo");
        tree.process(4000, "python3", 1, 3900).drmFd(5, "/dev/dri/renderD128", training);
        tree.process(4010, "pt_data_worker", 4000, 3950).drmFd(5, "/dev/dri/renderD128", training);
        tree.process(4011, "pt_data_worker", 4000, 3951).drmFd(5, "/dev/dri/renderD128", training);
        return tree;
    }

    /** A compositor on card0 and a browser on renderD128 of one Adreno, a platform device. */
    public static ProcTree msm(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/card0", MSM_DEVICE).device("/dev/dri/renderD128", MSM_DEVICE);
        tree.process(400, "kwin_wayland", 1, 300).drmFd(14, "/dev/dri/card0", fixture("msm", "compositor.fdinfo"));
        tree.process(900, "chromium", 1, 800).drmFd(21, "/dev/dri/renderD128", fixture("msm", "browser.fdinfo"));
        return tree;
    }

    public static ProcTree panfrost(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/renderD128", PANFROST_DEVICE);
        tree.process(700, "glmark2-es2-way", 1, 650).drmFd(6, "/dev/dri/renderD128", fixture("panfrost", "glmark2.fdinfo"));
        return tree;
    }

    public static ProcTree v3d(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/renderD128", V3D_DEVICE);
        tree.process(1800, "chromium", 1, 1700).drmFd(19, "/dev/dri/renderD128", fixture("v3d", "chromium.fdinfo"));
        return tree;
    }

    /** A render server and the worker it forked, sharing an fd without drm-client-id, and a thumbnailer's own client. */
    public static ProcTree noClientId(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/renderD128", PANFROST_DEVICE);
        String renderWorker = fixture("no-client-id", "render-worker.fdinfo");
        tree.process(700, "render-server", 1, 600).drmFd(9, "/dev/dri/renderD128", renderWorker);
        tree.process(710, "render-server", 700, 650).drmFd(9, "/dev/dri/renderD128", renderWorker);
        tree.process(900, "thumbnailer", 1, 800).drmFd(4, "/dev/dri/renderD128", fixture("no-client-id", "thumbnailer.fdinfo"));
        return tree;
    }

    /** An inference job on the NPU, through the accel node. */
    public static ProcTree accel(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/accel/accel0", NPU_DEVICE);
        tree.process(800, "npu-infer", 1, 700).drmFd(7, "/dev/accel/accel0", fixture("accel-ivpu", "npu-job.fdinfo"));
        return tree;
    }

    /** A compositor and two clients on one Radeon sharing the clients' window buffers; one frame still a dma-buf in two. */
    public static ProcTree sharingCompositor(Path dir) {
        ProcTree tree = withInit(dir).device("/dev/dri/card0", AMDGPU_DEVICE).device("/dev/dri/renderD128", AMDGPU_DEVICE);
        tree.process(1500, "kwin_wayland", 1, 1400)
                .drmFd(18, "/dev/dri/card0", fixture("sharing-compositor", "compositor.fdinfo"))
                .dmaBufFd(40, fixture("sharing-compositor", "player-frame.dmabuf"));
        tree.process(2000, "editor", 1, 1900).drmFd(12, "/dev/dri/renderD128", fixture("sharing-compositor", "editor.fdinfo"));
        tree.process(2100, "player", 1, 2050)
                .drmFd(12, "/dev/dri/renderD128", fixture("sharing-compositor", "player.fdinfo"))
                .dmaBufFd(30, fixture("sharing-compositor", "player-frame.dmabuf"));
        return tree;
    }

    /** A camera service and its encoder child mapping a preview buffer no fd of theirs holds, and a viewer with an fd to it. */
    public static ProcTree mappingOnly(Path dir) {
        ProcTree tree = withInit(dir);
        tree.process(600, "camera-service", 1, 500).dmaBufMapping(PREVIEW_MAPPING, 12L << 20, 0, 881, "camera-preview");
        tree.process(610, "encoder", 600, 520).dmaBufMapping(PREVIEW_MAPPING, 12L << 20, 0, 881, "camera-preview");
        tree.process(700, "viewer", 1, 650).dmaBufFd(5, fixture("mapping-only", "preview.dmabuf"));
        return tree;
    }

    /**
     * A host the size of a busy desktop or a small GPU server, to measure the collector on: {@code processes} user
     * processes with {@code fds} fds in all (at least five each: a terminal, a socket, a pipe, a log file and one more),
     * each mapping 12 shared libraries. Every fifth process holds a client of the Radeon, every tenth a dma-buf of the
     * system heap, which the process after it maps; the other fds are eventfds and sockets.
     */
    public static ProcTree busyHost(Path dir, int processes, int fds) {
        ProcTree tree = withInit(dir).device("/dev/dri/card0", AMDGPU_DEVICE).device("/dev/dri/renderD128", AMDGPU_DEVICE);
        String log = tree.file("var/log/app.log", "started\n").toString();
        String client = fixture("amdgpu", "game-vram-evicted.fdinfo");
        String buffer = fixture("mapping-only", "preview.dmabuf").replace("count:\t3", "count:\t2");
        int each = Math.max(5, fds / processes);
        for (int i = 0; i < processes; i++) {
            int pid = 1000 + i;
            ProcTree.ProcessDir process = tree.process(pid, "worker-" + i, i % 50 == 0 ? 1 : 1000 + i - i % 50, 100 + i)
                    .libraries(12)
                    .otherFd(0, "/dev/null").otherFd(1, "socket:[" + (40000 + i) + "]").otherFd(2, "pipe:[" + (60000 + i) + "]")
                    .otherFd(3, log);
            long inode = 90000 + i;
            if (i % 5 == 0) {
                process.drmFd(4, "/dev/dri/renderD128", client.replace("drm-client-id:\t1183", "drm-client-id:\t" + (5000 + i)));
            } else if (i % 10 == 1) {
                process.dmaBufFd(4, buffer.replace("ino:\t881", "ino:\t" + inode));
            } else if (i % 10 == 2) {
                process.dmaBufMapping(PREVIEW_MAPPING, 12L << 20, 0, inode - 1, "camera-preview").otherFd(4, "anon_inode:[eventfd]");
            } else {
                process.otherFd(4, "anon_inode:[eventfd]");
            }
            for (int fd = 5; fd < each; fd++) {
                process.otherFd(fd, "socket:[" + (100000 + i * each + fd) + "]");
            }
        }
        return tree;
    }

    private static ProcTree withInit(Path dir) {
        ProcTree tree = new ProcTree(dir);
        tree.process(1, "systemd", 0, 1);
        return tree;
    }
}
