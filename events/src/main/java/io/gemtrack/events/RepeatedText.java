package io.gemtrack.events;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * The strings a stream of events repeats (host names, boot ids, command names, regions, cgroup paths), read from
 * the parser's characters into the same {@link String} each time while it stays in this cache. A string is built
 * only on a miss, and the one handed out again has its hash computed already, which the model's lookups by host
 * use.
 *
 * <p>A slot per hash, replaced on a collision: at most {@link #SLOTS} strings of at most {@link #MAX_CHARS}
 * characters are held (a few megabytes at worst). Safe to share between threads without a lock: a slot holds a
 * reference to an immutable string or nothing, and a lost write only costs a miss.
 */
final class RepeatedText {

    static final int SLOTS = 1 << 15;
    static final int MAX_CHARS = 128;

    private final String[] slots = new String[SLOTS];

    /** The text of the parser's current string token. */
    String of(JsonParser parser) throws IOException {
        int length = parser.getTextLength();
        if (length > MAX_CHARS) {
            return parser.getText();
        }
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i];
        }
        int slot = (hash ^ (hash >>> 15)) & (SLOTS - 1);
        String cached = slots[slot];
        if (cached != null && cached.hashCode() == hash && matches(cached, chars, offset, length)) {
            return cached;
        }
        String text = new String(chars, offset, length);
        slots[slot] = text;
        return text;
    }

    private static boolean matches(String text, char[] chars, int offset, int length) {
        if (text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (text.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
