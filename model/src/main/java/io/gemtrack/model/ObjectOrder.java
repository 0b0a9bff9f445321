package io.gemtrack.model;

import it.unimi.dsi.fastutil.longs.Long2ObjectAVLTreeMap;
import it.unimi.dsi.fastutil.longs.LongComparators;
import org.roaringbitmap.longlong.LongIterator;
import org.roaringbitmap.longlong.Roaring64Bitmap;

/**
 * The ids of a host's live objects in every {@link ObjectSort} order, kept as objects come and go, so that a page of
 * a listing costs the page and the entries before it, not a sort of the whole host. Both keys never change while an
 * object lives (its id and its size), so an object is placed once, when it is created. The ids are kept in Roaring
 * bitmaps: sources number their objects densely, so an id costs a few bits rather than a tree node's 32 bytes, which
 * the per-object heap bound has no room for. Ids are positive (the schema's bound), so the bitmaps' unsigned order
 * is their order.
 */
final class ObjectOrder {

    private final Roaring64Bitmap byId = new Roaring64Bitmap();
    /** Size to the ids of that size, largest size first; a host has few distinct sizes, so few of these bitmaps. */
    private final Long2ObjectAVLTreeMap<Roaring64Bitmap> bySize = new Long2ObjectAVLTreeMap<>(LongComparators.OPPOSITE_COMPARATOR);
    private long size;

    void add(GemObject object) {
        byId.addLong(object.id());
        Roaring64Bitmap ofSize = bySize.get(object.sizeBytes());
        if (ofSize == null) {
            ofSize = new Roaring64Bitmap();
            bySize.put(object.sizeBytes(), ofSize);
        }
        ofSize.addLong(object.id());
        size++;
    }

    void remove(GemObject object) {
        byId.removeLong(object.id());
        Roaring64Bitmap ofSize = bySize.get(object.sizeBytes());
        ofSize.removeLong(object.id());
        if (ofSize.isEmpty()) {
            bySize.remove(object.sizeBytes());
        }
        size--;
    }

    /** The ids at positions {@code offset} to {@code offset + limit - 1} of {@code sort}'s order (fewer at the end). */
    long[] ids(ObjectSort sort, int offset, int limit) {
        long[] page = new long[(int) Math.max(0, Math.min(limit, size - offset))];
        if (page.length == 0) {
            return page;
        }
        if (sort == ObjectSort.id) {
            fill(byId.getLongIterator(), offset, page, 0);
            return page;
        }
        long skip = offset;
        int filled = 0;
        for (Roaring64Bitmap ofSize : bySize.values()) {
            if (filled == page.length) {
                break;
            }
            // A whole size before the page is skipped by its count, without visiting its ids.
            long count = ofSize.getLongCardinality();
            if (skip >= count) {
                skip -= count;
                continue;
            }
            filled = fill(ofSize.getLongIterator(), skip, page, filled);
            skip = 0;
        }
        return page;
    }

    /** Skips {@code skip} ids of {@code ids}, then copies ids into {@code page} from {@code at} on; returns where it stopped. */
    private static int fill(LongIterator ids, long skip, long[] page, int at) {
        for (long skipped = 0; skipped < skip && ids.hasNext(); skipped++) {
            ids.next();
        }
        while (at < page.length && ids.hasNext()) {
            page[at++] = ids.next();
        }
        return at;
    }
}
