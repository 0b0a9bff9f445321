package io.gemtrack.model;

import it.unimi.dsi.fastutil.objects.Object2IntMap;
import it.unimi.dsi.fastutil.objects.Object2IntMaps;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.ObjectOpenHashSet;
import it.unimi.dsi.fastutil.objects.ObjectSet;
import it.unimi.dsi.fastutil.objects.ObjectSets;

/**
 * An address space. It lives from the fork or exec that made it to the exec or exit that ends it, and never
 * comes back; the objects it created stay charged to its owner under the RFC only while it lives.
 */
final class Mm {

    /** The process whose mm this is; {@code null} for a dead creator mm restored from a snapshot without its process. */
    private final Process owner;
    private final int ownerPid;
    private boolean alive;
    /** GEM objects mapped into this mm and how many times each (0 for an object not mapped); empty until one is. */
    private final Object2IntOpenHashMap<GemObject> mappings = new Object2IntOpenHashMap<>(0);
    /**
     * Live objects this mm created while it lives: the ones whose creator changes when it dies. Open addressing
     * without a node per entry, since a process may create most of a host's million objects; emptied when
     * the mm dies, as nothing changes for them after that. GemObject keeps Object's identity equality.
     */
    private final ObjectOpenHashSet<GemObject> created = new ObjectOpenHashSet<>(0);

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

    Process owner() {
        return owner;
    }

    int ownerPid() {
        return ownerPid;
    }

    boolean alive() {
        return alive;
    }

    /** From now on the objects it created have no creator; the caller clears them once the ledger has seen that. */
    void die() {
        alive = false;
    }

    /** How many times {@code object} is mapped here; 0 if it is not. */
    int mappingsOf(GemObject object) {
        return mappings.getInt(object);
    }

    void map(GemObject object, int count) {
        mappings.addTo(object, count);
    }

    /** Removes one mapping of an object mapped here {@code count} times, as {@link #mappingsOf} said (one lookup, not two). */
    void unmapOnce(GemObject object, int count) {
        if (count == 1) {
            mappings.removeInt(object);
        } else {
            mappings.put(object, count - 1);
        }
    }

    void clearMappings() {
        mappings.clear();
    }

    /** Every mapped object with its count, without an entry object per mapping. */
    void forEachMapping(MappingAction action) {
        for (Object2IntMap.Entry<GemObject> mapping : Object2IntMaps.fastIterable(mappings)) {
            action.accept(mapping.getKey(), mapping.getIntValue());
        }
    }

    /** The mapped objects and their counts, for reading. */
    Object2IntMap<GemObject> mappings() {
        return Object2IntMaps.unmodifiable(mappings);
    }

    /** Records an object this mm created; a dead mm records none, since nothing about them changes any more. */
    void addCreated(GemObject object) {
        if (alive) {
            created.add(object);
        }
    }

    void removeCreated(GemObject object) {
        created.remove(object);
    }

    /** A dead mm stays as its objects' creator, but nothing about them changes when it dies again. */
    void clearCreated() {
        created.clear();
        created.trim();
    }

    /** The live objects this mm created while it lives, for reading. */
    ObjectSet<GemObject> created() {
        return ObjectSets.unmodifiable(created);
    }

    @FunctionalInterface
    interface MappingAction {
        void accept(GemObject object, int count);
    }
}
