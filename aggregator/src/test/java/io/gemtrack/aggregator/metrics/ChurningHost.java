package io.gemtrack.aggregator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.DrmFileOpen;
import io.gemtrack.events.EventBody.GemCreate;
import io.gemtrack.events.EventBody.GemPin;
import io.gemtrack.events.EventBody.ProcessExit;
import io.gemtrack.events.EventBody.ProcessFork;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody.ResourceGroupRemove;
import io.gemtrack.events.EventBody.ResourceUsage;
import io.gemtrack.events.EventStamper;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.HostModel;
import java.util.List;

/**
 * A host where, between two scrapes, new units named by their process's pid start (as systemd names app scopes and
 * the instances of templated services), each process with a buffer larger than any before and each unit with a
 * memory.max, and as many of the oldest stop: their process exits and systemd removes their cgroup.
 */
final class ChurningHost {

    private static final long PAGE = EventBody.PAGE_SIZE;
    private static final long MEMORY_MAX = 1L << 30;

    final HostModel model = new HostModel("churning");
    private final EventStamper stamper = new EventStamper("churning", "boot-1");
    private final int newPerScrape;
    private int nextPid = 1000;
    private int oldestLive = 1000;

    ChurningHost(int newPerScrape) {
        this.newPerScrape = newPerScrape;
        apply(new DrmDeviceAdded(0, "amdgpu", List.of(new Region("vram", 1L << 40))));
    }

    void replaceTheLargest() {
        for (int i = 0; i < newPerScrape; i++) {
            int pid = nextPid++;
            long bytes = (pid - 999) * PAGE;
            apply(new ProcessFork(pid, 1, "worker-" + pid, false, unit(pid)));
            apply(new DrmFileOpen(pid, 3, pid, 0));
            apply(new GemCreate(pid, 0, "vram", bytes, pid, pid, 1));
            apply(new GemPin(pid, bytes));
            apply(new ResourceUsage(unit(pid), bytes, MEMORY_MAX, List.of()));
        }
        while (nextPid - oldestLive > 2 * newPerScrape) {
            int pid = oldestLive++;
            apply(new ProcessExit(pid));
            apply(new ResourceGroupRemove(unit(pid)));
        }
    }

    /** An app scope for even pids, an instance of a templated service for odd ones. */
    private static String unit(int pid) {
        return pid % 2 == 0
                ? "/user.slice/user-1000.slice/user@1000.service/app.slice/app-render-" + pid + ".scope"
                : "/system.slice/system-shader\\x2dworker.slice/shader-worker@" + pid + ".service";
    }

    private void apply(EventBody body) {
        assertThat(model.apply(stamper.stamp(stamper.nextSeq() * 1000, body))).as("%s", body).isEqualTo(ApplyResult.APPLIED);
    }
}
