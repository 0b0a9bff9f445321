package io.gemtrack.collector.procfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The four file operations the reader needs. A seam so tests can make reads fail the way a real host does
 * where a fixture tree cannot: tests run as root, and root is never refused a read.
 */
interface ProcFiles {

    /** The whole file; bytes that are not UTF-8 (a process may name itself anything) become U+FFFD instead of failing. */
    String read(Path file) throws IOException;

    String readLink(Path link) throws IOException;

    /** The names in a directory. */
    List<String> list(Path directory) throws IOException;

    /** stat(2), links followed. */
    FileStat stat(Path path) throws IOException;

    ProcFiles DEFAULT = new ProcFiles() {
        @Override
        public String read(Path file) throws IOException {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        }

        @Override
        public String readLink(Path link) throws IOException {
            return Files.readSymbolicLink(link).toString();
        }

        @Override
        public List<String> list(Path directory) throws IOException {
            try (Stream<Path> entries = Files.list(directory)) {
                return entries.map(entry -> entry.getFileName().toString()).toList();
            }
        }

        @Override
        public FileStat stat(Path path) throws IOException {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,rdev,ino");
            return FileStat.of((Integer) attributes.get("mode"), (Long) attributes.get("rdev"), (Long) attributes.get("ino"));
        }
    };
}
