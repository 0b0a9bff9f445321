package io.gemtrack.model;

import java.io.IOException;
import java.util.List;

/**
 * A checkpoint in a format this reader does not know, such as one a later version wrote. It is not read at all:
 * read as a format it is not, it could restore a model that differs from the fold.
 */
public final class UnknownCheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int format;
    private final List<Integer> readableFormats;

    UnknownCheckpointFormatException(int format, List<Integer> readableFormats) {
        super("checkpoint format " + format + " is unknown; this reader reads format " + readableFormats);
        this.format = format;
        this.readableFormats = List.copyOf(readableFormats);
    }

    /** The format the checkpoint says it has. */
    public int format() {
        return format;
    }

    /** The formats this reader reads. */
    public List<Integer> readableFormats() {
        return readableFormats;
    }
}
