package io.gemtrack.collector.diff;

import io.gemtrack.collector.procfs.OpenFd.DrmClient;
import java.util.HashMap;
import java.util.Map;

/**
 * The identity of the DRM file description behind an fd. With {@code drm-client-id} it is the kernel's: the id,
 * unique per driver and device. Without one, nothing in procfs tells two descriptions apart, so a client is the
 * process and fd it was first seen at, kept while that fd stays on that device; a child's fd of the same number
 * on the same device is its parent's client while the parent shows it, since fork copies the fd table.
 */
final class ClientKeys {

    sealed interface ClientKey {
    }

    private record NumberedClient(String driver, String device, long clientId) implements ClientKey {
    }

    private record UnnumberedClient(String driver, String device, ProcessKey firstHolder, int firstFd) implements ClientKey {
    }

    private record HeldFd(ProcessKey holder, int fd) {
    }

    private Map<HeldFd, UnnumberedClient> previous = new HashMap<>();
    private Map<HeldFd, UnnumberedClient> current = new HashMap<>();

    /**
     * @param parent the holder's parent as this sample shows it, or {@code null}; a parent's fds are asked for before its
     *               children's, as a sample lists processes oldest first
     */
    ClientKey key(DrmClient client, ProcessKey holder, ProcessKey parent, int fd) {
        if (client.clientId().isPresent()) {
            return new NumberedClient(client.driver(), client.device(), client.clientId().getAsLong());
        }
        HeldFd held = new HeldFd(holder, fd);
        UnnumberedClient key = sameDevice(previous.get(held), client);
        if (key == null && parent != null) {
            key = sameDevice(current.get(new HeldFd(parent, fd)), client);
        }
        if (key == null) {
            key = new UnnumberedClient(client.driver(), client.device(), holder, fd);
        }
        current.put(held, key);
        return key;
    }

    void endSample() {
        previous = current;
        current = new HashMap<>();
    }

    private static UnnumberedClient sameDevice(UnnumberedClient key, DrmClient client) {
        return key != null && key.driver().equals(client.driver()) && key.device().equals(client.device()) ? key : null;
    }
}
