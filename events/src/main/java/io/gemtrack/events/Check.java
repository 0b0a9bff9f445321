package io.gemtrack.events;

import java.util.List;

/** Argument checks for event records; each failure names the field so a dead letter says what was wrong. */
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

    static void pageMultiple(String field, long bytes) {
        nonNegative(field, bytes);
        if (bytes % EventBody.PAGE_SIZE != 0) {
            throw new InvalidEventException(field,
                    "must be a multiple of the page size " + EventBody.PAGE_SIZE + ", was " + bytes);
        }
    }

    static void positivePageMultiple(String field, long bytes) {
        positive(field, bytes);
        pageMultiple(field, bytes);
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
