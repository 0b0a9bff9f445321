package io.gemtrack.collector.procfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The four file operations the reader needs. A seam so tests can make reads fail the way a real host does
 * where a fixture tree cannot: tests run as root, and root is never refused a read.
 */
interface ProcFiles {

    /** The whole file, decoded; bytes that do not decode become U+FFFD instead of failing. */
    String read(Path file, Charset charset) throws IOException;

    String readLink(Path link) throws IOException;

    /** The names in a directory. */
    List<String> list(Path directory) throws IOException;

    /** stat(2), links followed. */
    FileStat stat(Path path) throws IOException;

    ProcFiles DEFAULT = new ProcFiles() {
        /** Grown to the largest file read; procfs files report no size, so they are read until end of file. */
        private final ThreadLocal<byte[]> buffer = ThreadLocal.withInitial(() -> new byte[1 << 16]);

        @Override
        public String read(Path file, Charset charset) throws IOException {
            byte[] into = buffer.get();
            int length = 0;
            try (InputStream in = Files.newInputStream(file)) {
                for (int read; (read = in.read(into, length, into.length - length)) > 0; ) {
                    length += read;
                    if (length == into.length) {
                        into = Arrays.copyOf(into, into.length * 2);
                        buffer.set(into);
                    }
                }
            }
            return new String(into, 0, length, charset);
        }

        @Override
        public String readLink(Path link) throws IOException {
            return Files.readSymbolicLink(link).toString();
        }

        /** java.io's list, a quarter cheaper than a directory stream; on failure, which it does not explain, the stream says why. */
        @Override
        public List<String> list(Path directory) throws IOException {
            String[] listed = directory.toFile().list();
            if (listed != null) {
                return Arrays.asList(listed);
            }
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
                entries.forEach(entry -> names.add(entry.getFileName().toString()));
            }
            return names;
        }

        @Override
        public FileStat stat(Path path) throws IOException {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,rdev,ino");
            return FileStat.of((Integer) attributes.get("mode"), (Long) attributes.get("rdev"), (Long) attributes.get("ino"));
        }
    };
}
