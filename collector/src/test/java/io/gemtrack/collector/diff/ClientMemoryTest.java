package io.gemtrack.collector.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.gemtrack.collector.diff.ClientMemory.Filed;
import io.gemtrack.collector.diff.ClientMemory.Split;
import io.gemtrack.collector.diff.HostTarget.PagedRegion;
import io.gemtrack.collector.diff.HostTarget.Status;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ClientMemoryTest {

    private static final long KIB = 1 << 10;
    private static final long MIB = 1 << 20;

    private static Split split(Object... regionsAndFigures) {
        SortedMap<String, Filed> filed = new TreeMap<>();
        for (int i = 0; i < regionsAndFigures.length; i += 2) {
            filed.put((String) regionsAndFigures[i], (Filed) regionsAndFigures[i + 1]);
        }
        return ClientMemory.split(filed);
    }

    @Test
    void privateBytesAreTheTotalLessTheSharedAndSharedBytesAreResidentFirst() {
        Split split = split("vram", new Filed(256 * MIB, 8 * MIB, 196612 * KIB), "gtt", new Filed(35844 * KIB, 0, 35844 * KIB));

        assertThat(split.own()).containsExactly(entry("gtt", new PagedRegion(35844 * KIB, 35844 * KIB)),
                entry("vram", new PagedRegion(248 * MIB, 196612 * KIB - 8 * MIB)));
        assertThat(split.shared()).containsExactly(entry("vram", new PagedRegion(8 * MIB, 8 * MIB)));
    }

    @Test
    void residentBytesBeyondARegionsTotalTakeTheirSizeFromWhereBytesAreNotResident() {
        // amdgpu: 1 GiB of VRAM-preferred buffers evicted to GTT; cpu has 2 MiB not resident, vram 1008 MiB.
        Split split = split("vram", new Filed(3072 * MIB, 16 * MIB, 2048 * MIB), "gtt", new Filed(64 * MIB, 0, 1088 * MIB),
                "cpu", new Filed(2 * MIB, 0, 0));

        assertThat(split.own()).containsExactly(entry("cpu", new PagedRegion(2 * MIB, 0)),
                entry("gtt", new PagedRegion(1088 * MIB, 1088 * MIB)), entry("vram", new PagedRegion(2032 * MIB, 2032 * MIB)));
        assertThat(split.shared()).containsExactly(entry("vram", new PagedRegion(16 * MIB, 16 * MIB)));
    }

    @Test
    void sharedBytesThatAreNotResidentMoveWhenPrivateOnesDoNotSuffice() {
        Split split = split("local0", new Filed(64 * MIB, 48 * MIB, 16 * MIB), "system0", new Filed(0, 0, 40 * MIB));

        assertThat(split.own()).containsExactly(entry("system0", new PagedRegion(40 * MIB, 40 * MIB)));
        assertThat(split.shared()).containsExactly(entry("local0", new PagedRegion(24 * MIB, 16 * MIB)));
    }

    @Test
    void residencyBeyondEveryTotalKeepsItsBytesWhereTheyAreFiled() {
        Split split = split("memory", new Filed(4 * MIB, 0, 6 * MIB));

        assertThat(split.own()).containsExactly(entry("memory", new PagedRegion(6 * MIB, 6 * MIB)));
    }

    @Test
    void cmaIsResidentInFullAndSharedBytesNeverExceedTheTotal() {
        Split split = split("cma", new Filed(6 * MIB, 9 * MIB, 0), "gtt", new Filed(4 * MIB + 100, 0, 4 * MIB + 100));

        assertThat(split.own()).containsExactly(entry("gtt", new PagedRegion(4 * MIB + 4 * KIB, 4 * MIB + 4 * KIB)));
        assertThat(split.shared()).containsExactly(entry("cma", new PagedRegion(6 * MIB, 6 * MIB)));
    }

    @Test
    void evictedBytesAreOnTheRegionsTheyMovedToAndPurgeableAndActiveOnPrivateBytesFirst() {
        // amdgpu: 1 GiB of VRAM-preferred buffers evicted, 1008 MiB of them resident in GTT beyond its total and the
        // rest among GTT's own; 24 MiB of VRAM purgeable and 4 MiB active, all within VRAM's private resident bytes.
        Split split = split("vram", new Filed(3072 * MIB, 16 * MIB, 2032 * MIB, 24 * MIB + 100, 4 * MIB, 1024 * MIB),
                "gtt", new Filed(64 * MIB, 0, 1072 * MIB), "cpu", new Filed(0, 0, 0));

        assertThat(split.own()).containsExactly(
                entry("gtt", new PagedRegion(1072 * MIB, 1072 * MIB, new Status(0, 0, 1024 * MIB))),
                entry("vram", new PagedRegion(2048 * MIB, 2016 * MIB, new Status(24 * MIB + 4 * KIB, 4 * MIB, 0))));
        assertThat(split.shared()).containsExactly(entry("vram", new PagedRegion(16 * MIB, 16 * MIB, Status.NONE)));
    }

    @Test
    void statusBeyondWhatIsResidentIsCappedAtIt() {
        Split split = split("memory", new Filed(8 * MIB, 4 * MIB, 6 * MIB, 12 * MIB, 0, 0));

        assertThat(split.own()).containsExactly(entry("memory", new PagedRegion(4 * MIB, 2 * MIB, new Status(2 * MIB, 0, 0))));
        assertThat(split.shared()).containsExactly(entry("memory", new PagedRegion(4 * MIB, 4 * MIB, new Status(4 * MIB, 0, 0))));
    }
}
