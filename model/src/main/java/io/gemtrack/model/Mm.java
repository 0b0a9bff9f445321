package io.gemtrack.model;

import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.ObjectOpenHashSet;

/**
 * An address space. It lives from the fork or exec that made it to the exec or exit that ends it, and never
 * comes back; the objects it created stay charged to its owner under the RFC only while it lives.
 */
final class Mm {

    /** The process whose mm this is; {@code null} for a dead creator mm restored from a snapshot without its process. */
    final Process owner;
    final int ownerPid;
    boolean alive;
    /** GEM objects mapped into this mm and how many times each (0 for an object not mapped). */
    final Object2IntOpenHashMap<GemObject> mappings = new Object2IntOpenHashMap<>();
    /**
     * Live objects this mm created while it lives: the ones whose creator changes when it dies. Open addressing
     * without a node per entry, since a process may create most of a host's million objects; emptied when
     * the mm dies, as nothing changes for them after that. GemObject keeps Object's identity equality.
     */
    final ObjectOpenHashSet<GemObject> created = new ObjectOpenHashSet<>();

    private Mm(Process owner, int ownerPid, boolean alive) {
        this.owner = owner;
        this.ownerPid = ownerPid;
        this.alive = alive;
    }

    static Mm alive(Process owner) {
        return new Mm(owner, owner.pid(), true);
    }

    /** The creator mm of a restored object whose creator's mm was already gone when the snapshot was taken. */
    static Mm dead(int ownerPid) {
        return new Mm(null, ownerPid, false);
    }
}
