package io.gemtrack.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RepeatedTextTest {

    private final RepeatedText strings = new RepeatedText();
    private final JsonFactory json = new JsonFactory();

    @Test
    void aStringReadAgainIsTheSameInstance() throws IOException {
        String first = read("\"host-00017\"");
        String second = read("\"host-00017\"");

        assertThat(first).isEqualTo("host-00017");
        assertThat(second).isSameAs(first);
    }

    @Test
    void stringsOfTheSameHashAreEachReadAsThemselves() throws IOException {
        // "Aa" and "BB" share String.hashCode, so they share a slot: each read replaces the other, and neither is mistaken.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());

        assertThat(read("\"Aa\"")).isEqualTo("Aa");
        assertThat(read("\"BB\"")).isEqualTo("BB");
        assertThat(read("\"Aa\"")).isEqualTo("Aa");
    }

    @Test
    void everyStringOfManyMoreThanTheSlotsIsReadExactly() throws IOException {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 3 * RepeatedText.SLOTS; i++) {
            written.add("h" + i + (i % 3 == 0 ? "\u00e9\u4e2d" : ""));
        }
        for (int round = 0; round < 2; round++) {
            for (String text : written) {
                assertThat(read("\"" + text + "\"")).isEqualTo(text);
            }
        }
    }

    @Test
    void escapesAndLongStringsAreReadExactly() throws IOException {
        String longText = "x".repeat(RepeatedText.MAX_CHARS + 1);

        assertThat(read("\"a\\\"b\\u0041\"")).isEqualTo("a\"bA");
        assertThat(read("\"" + longText + "\"")).isEqualTo(longText);
        assertThat(read("\"\"")).isEmpty();
    }

    private String read(String json) throws IOException {
        try (JsonParser parser = this.json.createParser(json.getBytes(StandardCharsets.UTF_8))) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
            return strings.of(parser);
        }
    }
}
