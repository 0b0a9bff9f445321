package io.gemtrack.aggregator.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventConsumerKeyTest {

    @Test
    void aKeyIsItsHostExactlyInUtf8() {
        assertThat(EventConsumer.isKeyOf(utf8("host-1"), "host-1")).isTrue();
        assertThat(EventConsumer.isKeyOf(utf8("h\u00f6st-\u4e2d-\ud83d\ude00"), "h\u00f6st-\u4e2d-\ud83d\ude00")).isTrue();
        assertThat(EventConsumer.isKeyOf(utf8(""), "")).isTrue();
    }

    @Test
    void anyOtherKeyIsNot() {
        assertThat(EventConsumer.isKeyOf(null, "host-1")).isFalse();
        assertThat(EventConsumer.isKeyOf(utf8("host-2"), "host-1")).isFalse();
        assertThat(EventConsumer.isKeyOf(utf8("host-1 "), "host-1")).isFalse();
        assertThat(EventConsumer.isKeyOf(utf8("host-"), "host-1")).isFalse();
        assertThat(EventConsumer.isKeyOf(utf8("HOST-1"), "host-1")).isFalse();
        // The same length in bytes as the host in chars, but the host's UTF-8 is longer.
        assertThat(EventConsumer.isKeyOf(utf8("hoost"), "h\u00f6st")).isFalse();
        assertThat(EventConsumer.isKeyOf(new byte[] {'h', (byte) 0xf6, 's', 't'}, "h\u00f6st")).isFalse();
        assertThat(EventConsumer.isKeyOf(utf8("h\u00f6st"), "h\u00f6sT")).isFalse();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
