package io.gemtrack.collector.diff;

import io.gemtrack.events.EventBody;

/** Byte counts as the event schema has them: whole pages. */
final class Pages {

    private Pages() {
    }

    /** {@code bytes} rounded up to whole pages: memory is allocated by the page. */
    static long whole(long bytes) {
        return (bytes + EventBody.PAGE_SIZE - 1) / EventBody.PAGE_SIZE * EventBody.PAGE_SIZE;
    }
}
