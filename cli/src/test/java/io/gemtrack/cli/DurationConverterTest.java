package io.gemtrack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void durationsAreWrittenWithTheirUnit() {
        assertThat(converter.convert("250ms")).hasMillis(250);
        assertThat(converter.convert("5s")).hasSeconds(5);
        assertThat(converter.convert("2m")).hasMinutes(2);
        assertThat(converter.convert("1h")).hasHours(1);
    }

    @Test
    void aZeroNegativeOrUnitlessDurationIsRefusedWithTheExpectedForm() {
        for (String bad : new String[] {"0s", "-5s", "5", "5x", "1.5s", ""}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad).isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessage("'" + bad + "' is not a positive interval like 500ms, 5s, 2m or 1h");
        }
    }

    @Test
    void aDurationIsFormattedInTheLargestUnitThatStatesItExactlyAndReadsBackTheSame() {
        for (String written : new String[] {"250ms", "1500ms", "90s", "5m", "90m", "1h", "25h"}) {
            assertThat(DurationConverter.format(converter.convert(written))).isEqualTo(written);
        }
        assertThat(DurationConverter.format(converter.convert("120s"))).isEqualTo("2m");
    }
}
