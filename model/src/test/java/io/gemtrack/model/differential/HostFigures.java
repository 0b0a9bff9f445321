package io.gemtrack.model.differential;

import com.fasterxml.jackson.databind.JsonNode;
import io.gemtrack.events.EventBody.HostMemory;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.oom.OomCandidate;
import io.gemtrack.oom.OomRanking;
import io.gemtrack.policy.Ledger;
import io.gemtrack.policy.Policy;
import io.gemtrack.policy.StatusFigure;
import io.gemtrack.producer.truth.HostTruth;
import io.gemtrack.producer.truth.ProcessTruth;
import io.gemtrack.testkit.ApiClient;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.StreamSupport;

/**
 * Every figure the differential test compares for one host, in one value: equal records mean the aggregator
 * and the ground truth agree to the byte, and AssertJ's diff of two records names what differs.
 *
 * @param charged        per pid, per policy, the bytes charged (SEMANTICS.md §5)
 * @param freedByKill    per pid, what its kill would free (§6)
 * @param victims        per policy, the victim's pid, 0 when there is no candidate (§6)
 * @param bestVictim     the pid whose kill frees the most, 0 when there is no candidate
 * @param mismatches     per policy, whether its victim frees less than the best victim
 * @param heldStatus     per pid, per status figure, Σ over the objects it holds (SEMANTICS.md §3, §5)
 * @param status         per status figure, Σ over live objects
 * @param deviceUsedBytes what the devices that report their use say they use; {@code unattributedDeviceBytes} the part
 *                       no object accounts for (§5)
 */
public record HostFigures(Map<Integer, Map<Policy, Long>> charged, Map<Policy, Long> unaccounted, Map<Policy, Long> overcharged,
                   long orphanedBytes, long gemBytes, long residentBytes, Map<Integer, Long> freedByKill,
                   Map<Policy, Integer> victims, int bestVictim, Map<Policy, Boolean> mismatches,
                   Map<Integer, Map<StatusFigure, Long>> heldStatus, Map<StatusFigure, Long> status, long deviceUsedBytes,
                   long unattributedDeviceBytes, long gpuActiveBytes, long gpuReclaimBytes) {

    /** The aggregator's answers. */
    public static HostFigures of(HostModel host) {
        Map<Integer, Map<Policy, Long>> charged = new TreeMap<>();
        Map<Integer, Long> freedByKill = new TreeMap<>();
        Map<Integer, Map<StatusFigure, Long>> heldStatus = new TreeMap<>();
        for (Process process : host.processes()) {
            charged.put(process.pid(), perPolicy(process::charged));
            freedByKill.put(process.pid(), OomAdvisor.freedByKill(process));
            heldStatus.put(process.pid(), perFigure(process::status));
        }
        Map<Policy, Integer> victims = new EnumMap<>(Policy.class);
        Map<Policy, Boolean> mismatches = new EnumMap<>(Policy.class);
        int best = 0;
        for (Policy policy : Policy.all()) {
            OomRanking ranking = OomAdvisor.rank(host, policy);
            victims.put(policy, pid(ranking.victim()));
            mismatches.put(policy, ranking.mismatch());
            best = pid(ranking.bestVictim());
        }
        Ledger ledger = host.ledger();
        HostMemory memory = host.memory();
        return new HostFigures(charged, perPolicy(ledger::unaccounted), perPolicy(ledger::overcharged),
                ledger.orphanedBytes(), ledger.gemBytes(), ledger.residentBytes(), freedByKill, victims, best, mismatches,
                heldStatus, perFigure(ledger::statusBytes), ledger.deviceUsedBytes(), ledger.unattributedDeviceBytes(),
                memory == null ? 0 : memory.gpuActiveBytes(), memory == null ? 0 : memory.gpuReclaimBytes());
    }

    /** The same figures as a running aggregator's JSON API answers them. */
    public static HostFigures fromApi(ApiClient api, String host) {
        JsonNode summary = StreamSupport.stream(api.get("/api/hosts").body().spliterator(), false)
                .filter(node -> node.get("host").asText().equals(host)).findFirst().orElseThrow();
        Map<Integer, Map<Policy, Long>> charged = new TreeMap<>();
        Map<Integer, Long> freedByKill = new TreeMap<>();
        Map<Integer, Map<StatusFigure, Long>> heldStatus = new TreeMap<>();
        for (JsonNode process : api.get("/api/hosts/" + host + "/processes?policy=rss").body().get("processes")) {
            charged.put(process.get("pid").asInt(), perPolicy(policy -> process.get("charges").get(policy.name()).asLong()));
            freedByKill.put(process.get("pid").asInt(), process.get("freedByKillBytes").asLong());
            heldStatus.put(process.get("pid").asInt(), perFigure(figure -> process.get("status").get(figure.name()).asLong()));
        }
        JsonNode oom = api.get("/api/hosts/" + host + "/oom").body();
        JsonNode choices = oom.get("policies");
        return new HostFigures(charged,
                perPolicy(policy -> summary.get("unaccounted").get(policy.name()).asLong()),
                perPolicy(policy -> summary.get("overcharged").get(policy.name()).asLong()),
                summary.get("orphanedBytes").asLong(), summary.get("gemBytes").asLong(), summary.get("residentBytes").asLong(),
                freedByKill,
                perPolicy(policy -> choices.get(policy.name()).get("victim").path("pid").asInt()),
                oom.get("bestVictim").path("pid").asInt(),
                perPolicy(policy -> choices.get(policy.name()).get("mismatch").asBoolean()),
                heldStatus, perFigure(figure -> summary.get("status").get(figure.name()).asLong()),
                summary.get("deviceUsedBytes").asLong(), summary.get("unattributedDeviceBytes").asLong(),
                summary.get("gpuActiveBytes").asLong(), summary.get("gpuReclaimBytes").asLong());
    }

    /** The emulator's ground truth, whose policies are named as the aggregator's are. */
    public static HostFigures fromTruth(HostTruth truth) {
        Map<Integer, Map<Policy, Long>> charged = new TreeMap<>();
        Map<Integer, Long> freedByKill = new TreeMap<>();
        Map<Integer, Map<StatusFigure, Long>> heldStatus = new TreeMap<>();
        for (ProcessTruth process : truth.processes()) {
            charged.put(process.pid(), perPolicy(policy -> process.charged().get(policy.name())));
            freedByKill.put(process.pid(), process.freedByKill());
            heldStatus.put(process.pid(), perFigure(figure -> process.status().get(figure.name())));
        }
        return new HostFigures(charged, perPolicy(policy -> truth.unaccounted().get(policy.name())),
                perPolicy(policy -> truth.overcharged().get(policy.name())), truth.orphanedBytes(), truth.gemBytes(),
                truth.residentBytes(), freedByKill, perPolicy(policy -> truth.victims().get(policy.name())), truth.bestVictim(),
                perPolicy(policy -> truth.mismatches().get(policy.name())), heldStatus,
                perFigure(figure -> truth.status().get(figure.name())), truth.deviceUsedBytes(), truth.unattributedDeviceBytes(),
                truth.gpuActiveBytes(), truth.gpuReclaimBytes());
    }

    private static int pid(OomCandidate candidate) {
        return candidate == null ? 0 : candidate.pid();
    }

    static Map<StatusFigure, Long> perFigure(Function<StatusFigure, Long> figure) {
        Map<StatusFigure, Long> byFigure = new EnumMap<>(StatusFigure.class);
        for (StatusFigure each : StatusFigure.values()) {
            byFigure.put(each, figure.apply(each));
        }
        return byFigure;
    }

    static <T> Map<Policy, T> perPolicy(Function<Policy, T> figure) {
        Map<Policy, T> byPolicy = new EnumMap<>(Policy.class);
        Policy.all().forEach(policy -> byPolicy.put(policy, figure.apply(policy)));
        return byPolicy;
    }
}
