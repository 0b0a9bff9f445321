package io.gemtrack.collector.procfs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A procfs file of {@code key: value} lines ({@code status}, {@code meminfo}, {@code fdinfo/N}). Whitespace
 * after the colon is not part of the value; amdgpu, for one, prints a space before the tab.
 */
final class KeyValues {

    private final Path file;
    private final Map<String, String> values = new LinkedHashMap<>();

    private KeyValues(Path file) {
        this.file = file;
    }

    static KeyValues parse(Path file, String text) {
        return parse(file, text, null);
    }

    /**
     * Only the lines of {@code keys} ({@code null}: every line), and only until all of them are found: a process's
     * {@code status} has 50 lines, the reader needs 7 of the first 30. Keys are compared in place, not cut out, since
     * every sample parses a status per process.
     */
    static KeyValues parse(Path file, String text, Set<String> keys) {
        KeyValues parsed = new KeyValues(file);
        for (int start = 0; start < text.length() && (keys == null || parsed.values.size() < keys.size()); ) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            int colon = text.indexOf(':', start);
            if (colon > start && colon < end) {
                String key = keys == null ? text.substring(start, colon).strip() : wanted(text, start, colon, keys);
                if (key != null) {
                    parsed.values.putIfAbsent(key, text.substring(colon + 1, end).strip());
                }
            }
            start = end + 1;
        }
        return parsed;
    }

    /** The key of {@code keys} that the text from {@code start} to {@code colon} is, or {@code null}. */
    private static String wanted(String text, int start, int colon, Set<String> keys) {
        for (String key : keys) {
            if (key.length() == colon - start && text.startsWith(key, start)) {
                return key;
            }
        }
        return null;
    }

    Optional<String> text(String key) {
        return Optional.ofNullable(values.get(key)).filter(value -> !value.isEmpty());
    }

    String requiredText(String key) throws MalformedProcFileException {
        return text(key).orElseThrow(() -> malformed("no value for '" + key + "'"));
    }

    long requiredLong(String key) throws MalformedProcFileException {
        String value = requiredText(key);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw malformed("'" + key + "' is not an integer: '" + value + "'");
        }
    }

    /** A size in bytes; 0 when the key is absent (kernels before 4.5 print no RssAnon, RssFile or RssShmem). */
    long bytesOrZero(String key) throws MalformedProcFileException {
        return values.containsKey(key) ? bytes(key, values.get(key)) : 0;
    }

    long requiredBytes(String key) throws MalformedProcFileException {
        return bytes(key, requiredText(key));
    }

    /** The keys that start with {@code prefix} and have something after it, in file order. */
    List<String> keysStartingWith(String prefix) {
        return values.keySet().stream().filter(key -> key.startsWith(prefix) && key.length() > prefix.length()).toList();
    }

    MalformedProcFileException malformed(String problem) {
        return new MalformedProcFileException(file, problem);
    }

    private long bytes(String key, String value) throws MalformedProcFileException {
        try {
            return Sizes.bytes(value);
        } catch (NumberFormatException e) {
            throw malformed("'" + key + "': " + e.getMessage());
        }
    }
}
