package io.gemtrack.collector.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

    @ParameterizedTest(name = "''{0}'' is {1} bytes")
    @CsvSource(delimiter = '|', value = {
            "0|0",
            "6000|6000",
            "4 kB|4096",
            "   24683620 kB|25276026880",
            "4 KiB|4096",
            "196612 KiB|201330688",
            "256 MiB|268435456",
            "2 GiB|2147483648",
            "\t35844 KiB\t|36704256"})
    void binaryUnitsAndBareBytes(String value, long bytes) {
        assertThat(Sizes.bytes(value)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"", "KiB", "12 XB", "12 kb", "12 MB", "-5", "1.5 MiB", "12 KiB extra", "9223372036854775807 KiB",
            "99999999999999999999"})
    void anythingElseIsNotASize(String value) {
        assertThatThrownBy(() -> Sizes.bytes(value)).isInstanceOf(NumberFormatException.class).hasMessageContaining(value);
    }
}
