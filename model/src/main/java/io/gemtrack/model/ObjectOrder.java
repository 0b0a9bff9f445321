package io.gemtrack.model;

import it.unimi.dsi.fastutil.longs.Long2ObjectMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectRBTreeMap;
import it.unimi.dsi.fastutil.longs.LongComparators;
import it.unimi.dsi.fastutil.longs.LongIterator;
import it.unimi.dsi.fastutil.longs.LongRBTreeSet;
import it.unimi.dsi.fastutil.objects.ObjectBidirectionalIterator;

/**
 * The ids of a host's live objects in every {@link ObjectSort} order, kept as objects come and go, so that a page of
 * a listing costs the page and the entries before it, not a sort of the whole host. Both keys never change while an
 * object lives (its id and its size), so an object is placed once, when it is created. Red-black trees of primitive
 * ids: about 32 bytes an object per order, and no object is read to compare two.
 */
final class ObjectOrder {

    private final LongRBTreeSet byId = new LongRBTreeSet();
    /** Size to the ids of that size, largest size first; a host has few distinct sizes, so few of these sets. */
    private final Long2ObjectRBTreeMap<LongRBTreeSet> bySize = new Long2ObjectRBTreeMap<>(LongComparators.OPPOSITE_COMPARATOR);

    void add(GemObject object) {
        byId.add(object.id());
        LongRBTreeSet ofSize = bySize.get(object.sizeBytes());
        if (ofSize == null) {
            ofSize = new LongRBTreeSet();
            bySize.put(object.sizeBytes(), ofSize);
        }
        ofSize.add(object.id());
    }

    void remove(GemObject object) {
        byId.remove(object.id());
        LongRBTreeSet ofSize = bySize.get(object.sizeBytes());
        ofSize.remove(object.id());
        if (ofSize.isEmpty()) {
            bySize.remove(object.sizeBytes());
        }
    }

    /** The ids at positions {@code offset} to {@code offset + limit - 1} of {@code sort}'s order (fewer at the end). */
    long[] ids(ObjectSort sort, int offset, int limit) {
        long[] page = new long[(int) Math.max(0, Math.min(limit, (long) byId.size() - offset))];
        if (page.length == 0) {
            return page;
        }
        if (sort == ObjectSort.id) {
            fill(byId.iterator(), offset, page, 0);
            return page;
        }
        int skip = offset;
        int filled = 0;
        ObjectBidirectionalIterator<Long2ObjectMap.Entry<LongRBTreeSet>> sizes = bySize.long2ObjectEntrySet().iterator();
        while (filled < page.length) {
            LongRBTreeSet ofSize = sizes.next().getValue();
            // A whole size before the page is skipped by its count, without visiting its ids.
            if (skip >= ofSize.size()) {
                skip -= ofSize.size();
                continue;
            }
            filled = fill(ofSize.iterator(), skip, page, filled);
            skip = 0;
        }
        return page;
    }

    /** Skips {@code skip} ids of {@code ids}, then copies ids into {@code page} from {@code at} on; returns where it stopped. */
    private static int fill(LongIterator ids, int skip, long[] page, int at) {
        ids.skip(skip);
        while (at < page.length && ids.hasNext()) {
            page[at++] = ids.nextLong();
        }
        return at;
    }
}
