package io.gemtrack.collector.procfs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        KeyValues parsed = new KeyValues(file);
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                parsed.values.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        return parsed;
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
