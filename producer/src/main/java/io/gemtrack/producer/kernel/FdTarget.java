package io.gemtrack.producer.kernel;

/** What an fd refers to: a DRM file description or a dma-buf. Counts its fds, so it is released with the last. */
sealed interface FdTarget permits DrmFile, DmaBuf {

    void fdOpened();

    /** @return whether that was the last fd, so the target must be released */
    boolean fdClosed();
}
