package io.gemtrack.model;

import java.util.function.Consumer;

/** What an fd refers to: a DRM file or a dma-buf. Either makes the process holding the fd a holder of objects. */
sealed interface FdTarget permits DrmFile, DmaBuf {

    void fdOpened(Process process);

    void fdClosed(Process process);

    /** No fd refers to the target any more. */
    boolean unreferenced();

    /** The objects one fd to this target holds, each once per reference (a file with two handles to one object: twice). */
    void forEachObject(Consumer<GemObject> action);
}
