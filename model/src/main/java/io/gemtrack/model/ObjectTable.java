package io.gemtrack.model;

import it.unimi.dsi.fastutil.HashCommon;
import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The live GEM objects of a host, found by id: an open-addressing hash table (linear probing) of the objects
 * themselves, each object its own key. A lookup reads one slot and then the object, which the event needs
 * anyway; a map from {@code long} to object would read a key array and a value array before it. On a host of
 * a million objects each of those reads is a cache miss, and they were most of what an event cost there.
 * It also saves the key array: about 8 bytes a live object instead of 24.
 *
 * <p>Not thread-safe, like the rest of the model. Iteration is in no particular order.
 */
final class ObjectTable extends AbstractCollection<GemObject> {

    /** Small: most hosts of a fleet have few objects or none. */
    private static final int MIN_CAPACITY = 4;

    /** A power of two in length; {@code null} marks a free slot. At most 3/4 full, so probe runs stay short. */
    private GemObject[] slots = new GemObject[MIN_CAPACITY];
    private int size;

    /** The object with this id, or {@code null}. */
    GemObject get(long id) {
        GemObject[] table = slots;
        int mask = table.length - 1;
        for (int slot = home(id, mask); ; slot = (slot + 1) & mask) {
            GemObject object = table[slot];
            if (object == null || object.id() == id) {
                return object;
            }
        }
    }

    boolean containsId(long id) {
        return get(id) != null;
    }

    /** Adds an object whose id the table does not hold yet (the model checks that first). */
    void insert(GemObject object) {
        if (size + 1 > slots.length / 4 * 3) {
            resize(slots.length * 2);
        }
        place(slots, object);
        size++;
    }

    /** Removes the object with this id; returns it, or {@code null} if there was none. */
    GemObject remove(long id) {
        int mask = slots.length - 1;
        int slot = home(id, mask);
        while (slots[slot] != null && slots[slot].id() != id) {
            slot = (slot + 1) & mask;
        }
        GemObject removed = slots[slot];
        if (removed == null) {
            return null;
        }
        closeGap(slot, mask);
        size--;
        if (size < slots.length / 8 && slots.length > MIN_CAPACITY) {
            resize(slots.length / 2);
        }
        return removed;
    }

    /**
     * Empties {@code gap} and moves later objects of its probe run back into it, so every object stays
     * reachable from its home slot without tombstones (Knuth's algorithm R for linear probing).
     */
    private void closeGap(int gap, int mask) {
        for (int slot = (gap + 1) & mask; slots[slot] != null; slot = (slot + 1) & mask) {
            int home = home(slots[slot].id(), mask);
            // The object may move to the gap unless its home lies cyclically in (gap, slot].
            boolean homeAfterGap = gap <= slot ? gap < home && home <= slot : gap < home || home <= slot;
            if (!homeAfterGap) {
                slots[gap] = slots[slot];
                gap = slot;
            }
        }
        slots[gap] = null;
    }

    private void resize(int capacity) {
        GemObject[] old = slots;
        slots = new GemObject[capacity];
        for (GemObject object : old) {
            if (object != null) {
                place(slots, object);
            }
        }
    }

    private static void place(GemObject[] table, GemObject object) {
        int mask = table.length - 1;
        int slot = home(object.id(), mask);
        while (table[slot] != null) {
            slot = (slot + 1) & mask;
        }
        table[slot] = object;
    }

    /** Ids are often dense runs; mixing spreads them over the table. */
    private static int home(long id, int mask) {
        return (int) HashCommon.mix(id) & mask;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<GemObject> iterator() {
        return new Iterator<>() {
            private int slot = -1;
            private int left = size;

            @Override
            public boolean hasNext() {
                return left > 0;
            }

            @Override
            public GemObject next() {
                if (left == 0) {
                    throw new NoSuchElementException();
                }
                do {
                    slot++;
                } while (slots[slot] == null);
                left--;
                return slots[slot];
            }
        };
    }
}
