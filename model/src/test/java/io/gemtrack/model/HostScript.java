package io.gemtrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.DrmDeviceAdded;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.events.EventBody.Region;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventStamper;
import io.gemtrack.policy.Policy;
import java.util.List;

/**
 * Drives one host model through hand-written events: stamps them in sequence, asserts each is applied, and
 * after each checks the model's incremental figures against the from-scratch {@link ModelInvariants}.
 */
public final class HostScript {

    public static final String HOST = "host-a";
    public static final long MIB = 1L << 20;
    public static final long PAGE = EventBody.PAGE_SIZE;
    /** Device 0 with the three kinds of region the rules tell apart. */
    public static final DrmDeviceAdded GPU = new DrmDeviceAdded(0, "amdgpu",
            List.of(new Region("system", 8L << 30), new Region("vram", 4L << 30), new Region("cma", 256 * MIB)));
    public static final HostMemory MEMORY = new HostMemory(16L << 30, 4L << 30);

    private final HostModel model = new HostModel(HOST);
    private EventStamper stamper = new EventStamper(HOST, "boot-1");
    private long clock;

    /** A host that has reported its memory and device 0. */
    public static HostScript withGpu() {
        return new HostScript().apply(MEMORY, GPU);
    }

    public HostScript apply(EventBody... bodies) {
        for (EventBody body : bodies) {
            assertThat(send(body)).as("applying %s", body).isEqualTo(ApplyResult.APPLIED);
            ModelInvariants.check(model);
        }
        return this;
    }

    public ApplyResult send(EventBody body) {
        return model.apply(next(body));
    }

    public Event next(EventBody body) {
        clock += 1_000;
        return stamper.stamp(clock, body);
    }

    /** The next events come from a new boot of the host. */
    public void reboot(String bootId) {
        stamper = new EventStamper(HOST, bootId);
    }

    /** Skips {@code count} sequence numbers, as if those events were lost. */
    public void lose(int count) {
        stamper = new EventStamper(HOST, stamper.bootId(), stamper.nextSeq() + count);
    }

    /** Asserts the event is rejected with a reason containing {@code reason} and leaves the model exactly as it was. */
    public void assertRejected(EventBody body, String reason) {
        String before = ModelDump.of(model);
        ApplyResult result = send(body);
        assertThat(result).as("applying %s", body).isInstanceOf(ApplyResult.Rejected.class);
        assertThat(((ApplyResult.Rejected) result).reason()).contains(reason);
        assertThat(ModelDump.of(model)).as("model after rejecting %s", body).isEqualTo(before);
    }

    public HostModel model() {
        return model;
    }

    public long charged(int pid, Policy policy) {
        return model.process(pid).charged(policy);
    }

    public String dump() {
        return ModelDump.of(model);
    }
}
