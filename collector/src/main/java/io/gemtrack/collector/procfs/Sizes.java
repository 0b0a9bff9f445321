package io.gemtrack.collector.procfs;

import java.util.Map;

/**
 * Byte counts as procfs prints them: a number with an optional binary unit. {@code /proc/PID/status} and
 * {@code /proc/meminfo} write {@code kB} but mean KiB; DRM fdinfo writes {@code KiB} or {@code MiB}, or no
 * unit for bytes.
 */
final class Sizes {

    private static final Map<String, Long> MULTIPLIERS = Map.of(
            "", 1L,
            "kB", 1L << 10,
            "KiB", 1L << 10,
            "MiB", 1L << 20,
            "GiB", 1L << 30);

    private Sizes() {
    }

    /** The bytes {@code value} stands for; a value that is not a size in a known unit is a {@link NumberFormatException}. */
    static long bytes(String value) {
        // By hand rather than with a regular expression: every sample parses thousands of these.
        String size = value.strip();
        int digits = 0;
        while (digits < size.length() && size.charAt(digits) >= '0' && size.charAt(digits) <= '9') {
            digits++;
        }
        Long multiplier = digits == 0 ? null : MULTIPLIERS.get(size.substring(digits).strip());
        if (multiplier == null || digits < size.length() && !Character.isWhitespace(size.charAt(digits))) {
            throw new NumberFormatException("not a size in bytes, kB, KiB, MiB or GiB: '" + value + "'");
        }
        try {
            return Math.multiplyExact(Long.parseLong(size, 0, digits, 10), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new NumberFormatException("size out of range: '" + value + "'");
        }
    }
}
