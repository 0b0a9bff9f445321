package io.gemtrack.producer.truth;

import java.util.Map;

/**
 * One process under every policy.
 *
 * @param charged     policy name to the GEM bytes it charges the process (every policy present)
 * @param freedByKill what its kill would really return: anon + swap + page-table bytes of its last sample, plus
 *                    the resident bytes of the objects it alone holds (SEMANTICS.md §6)
 * @param driverPages {@code MM_DRIVERPAGES} as the kernel holds it now; times the page size it equals the
 *                    {@code rfc} charge unless the fork flaw left a copy in it
 * @param status      per {@link StatusFigures} name, Σ of that figure over the objects the process holds
 */
public record ProcessTruth(int pid, String comm, int oomScoreAdj, Map<String, Long> charged, long freedByKill, long driverPages,
                           Map<String, Long> status) {

    public ProcessTruth {
        charged = PolicyMaps.copy(charged);
        status = StatusFigures.copy(status);
    }
}
