package io.gemtrack.events;

import java.util.List;

/**
 * Argument checks for event records; each failure names the field so a dead letter says what was wrong. The checks
 * run for every decoded event, so they neither allocate nor use regular expressions until they fail.
 */
final class Check {

    private Check() {
    }

    static void nonNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidEventException(field, "must be >= 0, was " + value);
        }
    }

    static void positive(String field, long value) {
        if (value <= 0) {
            throw new InvalidEventException(field, "must be > 0, was " + value);
        }
    }

    /** A bound of {@link Bounds}: a value above it is out of bounds, not invalid. */
    static void atMost(String field, long value, long max) {
        if (value > max) {
            throw InvalidEventException.outOfBounds(field, "must be <= " + max + ", was " + value);
        }
    }

    /** A bound of {@link Bounds} on a figure that may be negative. */
    static void withinMagnitude(String field, long value, long max) {
        if (value < -max || value > max) {
            throw InvalidEventException.outOfBounds(field, "must be in [" + -max + ", " + max + "], was " + value);
        }
    }

    /** A DRM file, GEM object or dma-buf id. */
    static void id(String field, long value) {
        positive(field, value);
        atMost(field, value, Bounds.MAX_ID);
    }

    /** An id where 0 stands for none. */
    static void idOrZero(String field, long value) {
        nonNegative(field, value);
        atMost(field, value, Bounds.MAX_ID);
    }

    static void pid(String field, int value) {
        positive(field, value);
        atMost(field, value, Bounds.MAX_PID);
    }

    /** A parent's pid, where 0 is the kernel's idle task: a parent the host does not know. */
    static void parentPid(String field, int value) {
        nonNegative(field, value);
        atMost(field, value, Bounds.MAX_PID);
    }

    static void pids(String field, List<Integer> values) {
        for (int value : values) {
            pid(field, value);
        }
    }

    /** A byte figure: whole pages, at most {@link Bounds#MAX_BYTES}. */
    static void bytes(String field, long bytes) {
        nonNegative(field, bytes);
        atMost(field, bytes, Bounds.MAX_BYTES);
        if (bytes % EventBody.PAGE_SIZE != 0) {
            throw new InvalidEventException(field,
                    "must be a multiple of the page size " + EventBody.PAGE_SIZE + ", was " + bytes);
        }
    }

    static void positiveBytes(String field, long bytes) {
        positive(field, bytes);
        bytes(field, bytes);
    }

    static void inRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidEventException(field, "must be in [" + min + ", " + max + "], was " + value);
        }
    }

    static void notBlank(String field, String value) {
        if (value == null) {
            throw new InvalidEventException(field, "is required");
        }
        if (value.isBlank()) {
            throw new InvalidEventException(field, "must not be blank");
        }
    }

    /** Non-blank text of at most {@code maxBytes} bytes once encoded, and valid Unicode, so that it has a UTF-8 encoding. */
    static void text(String field, String value, int maxBytes) {
        notBlank(field, value);
        long bytes = utf8Length(field, value);
        if (bytes > maxBytes) {
            throw InvalidEventException.outOfBounds(field, "must be at most " + maxBytes + " bytes of UTF-8, was " + bytes);
        }
    }

    /**
     * A host name, which is also a Kafka key, a metric label and a segment of the API's paths: text without '/' or
     * control characters, so that every host can be named in a URL and no two export as the same label.
     */
    static void hostName(String field, String value) {
        text(field, value, Bounds.MAX_HOST_BYTES);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/') {
                throw new InvalidEventException(field, "must not contain '/', has one at index " + i);
            }
            if (Character.isISOControl(c)) {
                throw new InvalidEventException(field,
                        "must not contain control characters, has U+" + hex(c) + " at index " + i);
            }
        }
    }

    /**
     * A cgroup v2 path as {@code /proc/PID/cgroup} gives it: {@code /} for the root, else {@code /} and names joined by
     * {@code /}, each name non-empty, not {@code .} or {@code ..} and at most {@link Bounds#MAX_CGROUP_NAME_BYTES}
     * bytes, no control characters; the whole at most {@link Bounds#MAX_CGROUP_PATH_BYTES} bytes. So one cgroup has
     * one spelling, and every path names a directory cgroupfs could have.
     */
    static void cgroupPath(String field, String value) {
        text(field, value, Bounds.MAX_CGROUP_PATH_BYTES);
        if (value.charAt(0) != '/') {
            throw new InvalidEventException(field, "must start with '/', was " + value);
        }
        int start = 1;
        while (value.length() > 1 && start <= value.length()) {
            int end = value.indexOf('/', start);
            if (end < 0) {
                end = value.length();
            }
            String name = value.substring(start, end);
            if (name.isEmpty() || name.equals(".") || name.equals("..")) {
                throw new InvalidEventException(field, "must be '/' or names joined by '/', none empty, '.' or '..', was "
                        + value);
            }
            long bytes = utf8Length(field, name);
            if (bytes > Bounds.MAX_CGROUP_NAME_BYTES) {
                throw InvalidEventException.outOfBounds(field, "must have names of at most " + Bounds.MAX_CGROUP_NAME_BYTES
                        + " bytes of UTF-8, has one of " + bytes);
            }
            start = end + 1;
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidEventException(field,
                        "must not contain control characters, has U+" + hex(value.charAt(i)) + " at index " + i);
            }
        }
    }

    /** A limit in bytes, whole pages, or {@link EventBody#NO_LIMIT} where the cgroup file says {@code max}. */
    static void limit(String field, long bytes) {
        if (bytes != EventBody.NO_LIMIT) {
            bytes(field, bytes);
        }
    }

    /** The length of {@code value} in UTF-8; fails on a surrogate that is not half of a pair, which UTF-8 cannot encode. */
    private static long utf8Length(String field, String value) {
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (!Character.isSurrogate(c)) {
                bytes += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                throw new InvalidEventException(field, "must be valid Unicode, has an unpaired surrogate U+" + hex(c)
                        + " at index " + i);
            }
        }
        return bytes;
    }

    private static String hex(char c) {
        return String.format("%04X", (int) c);
    }

    static <T> List<T> list(String field, List<T> value) {
        if (value == null) {
            throw new InvalidEventException(field, "is required");
        }
        for (T item : value) {
            if (item == null) {
                throw new InvalidEventException(field, "must not contain null");
            }
        }
        return List.copyOf(value);
    }

    static <E extends Enum<E>> void present(String field, E value) {
        if (value == null) {
            throw new InvalidEventException(field, "is required");
        }
    }
}
