package io.gemtrack.collector.procfs;

import java.io.IOException;
import java.nio.file.Path;

/** A file was read but says something this reader cannot use; it is skipped and counted like an unreadable one. */
public final class MalformedProcFileException extends IOException {

    private static final long serialVersionUID = 1L;

    MalformedProcFileException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
