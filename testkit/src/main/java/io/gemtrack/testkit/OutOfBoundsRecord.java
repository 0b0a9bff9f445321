package io.gemtrack.testkit;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes a hostile producer would send: a valid event's record with one field's value replaced by any JSON value,
 * beyond its bound, say, which no {@link Event} can hold. The first field of that name is the one replaced.
 */
public final class OutOfBoundsRecord {

    private static final EventCodec CODEC = new EventCodec();

    private OutOfBoundsRecord() {
    }

    /** {@code event} encoded, with the value of {@code field} replaced by {@code json} (a number, or a string in quotes). */
    public static byte[] of(Event event, String field, String json) {
        String encoded = CODEC.encodeToString(event);
        Matcher value = Pattern.compile("\"" + Pattern.quote(field) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+)").matcher(encoded);
        if (!value.find()) {
            throw new IllegalArgumentException("no field " + field + " in " + encoded);
        }
        return (encoded.substring(0, value.start(1)) + json + encoded.substring(value.end(1))).getBytes(StandardCharsets.UTF_8);
    }
}
