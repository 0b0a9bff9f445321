package io.gemtrack.aggregator.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * An address space. It lives from the fork or exec that made it to the exec or exit that ends it, and never
 * comes back; the objects it created stay charged to its owner under the RFC only while it lives.
 */
final class Mm {

    /** The process whose mm this is; {@code null} for a dead creator mm restored from a snapshot without its process. */
    final Process owner;
    final int ownerPid;
    boolean alive;
    /** GEM objects mapped into this mm and how many times each. */
    final Map<GemObject, Integer> mappings = new HashMap<>();
    /** Live objects this mm created: the ones whose creator changes when the mm dies. */
    final Set<GemObject> created = new HashSet<>();

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
