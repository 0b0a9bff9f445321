package io.gemtrack.model.differential;

import io.gemtrack.model.OomPostMortem;
import io.gemtrack.policy.Policy;
import io.gemtrack.producer.truth.ObjectTruth;
import io.gemtrack.producer.truth.OomKillTruth;
import io.gemtrack.producer.truth.ProcessFacts;
import io.gemtrack.producer.truth.ProcessTruth;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every figure of one OOM kill's post-mortem that the emulator's truth also knows, in one value: equal records mean
 * the aggregator's post-mortem and the kernel's own account of the kill agree to the byte.
 *
 * @param cgroup        the victim's cgroup, and {@code victimCgroups} every policy's victim's ("" for none)
 * @param freedBytes    what the kill freed: the model's figure, and the kernel's measurement across the exit
 * @param freedObjects  object id to resident bytes of the buffers only the victim held
 * @param stillHeld     object id to its resident bytes and the holders left after the kill (the kernel's, measured
 *                      after the exit)
 * @param victims       per policy, its victim's pid at the instant of the kill (0: none), and {@code victimsFreed} what
 *                      that kill would have freed
 */
public record OomKillFigures(String host, long seq, int pid, String comm, String cgroup, long kernelPoints,
                             long kernelFreedPages,
                             long freedBytes, Map<Long, Long> freedObjects, Map<Long, List<Long>> stillHeld, long bytesLeftAlive,
                             Map<Policy, Integer> victims, Map<Policy, String> victimCgroups, Map<Policy, Long> victimsFreed,
                             int bestVictim, long bestFreed, boolean kernelChoiceBest) {

    public static OomKillFigures of(OomPostMortem postMortem) {
        Map<Long, Long> freed = new TreeMap<>();
        postMortem.freedObjects().forEach(buffer -> freed.put(buffer.object(), buffer.residentBytes()));
        Map<Long, List<Long>> stillHeld = new TreeMap<>();
        postMortem.stillHeld().forEach(buffer -> stillHeld.put(buffer.object(), heldAs(buffer.residentBytes(), buffer.holders())));
        Map<Policy, Integer> victims = new EnumMap<>(Policy.class);
        Map<Policy, String> victimCgroups = new EnumMap<>(Policy.class);
        Map<Policy, Long> victimsFreed = new EnumMap<>(Policy.class);
        postMortem.policies().forEach(choice -> {
            victims.put(choice.policy(), choice.victim() == null ? 0 : choice.victim().pid());
            victimCgroups.put(choice.policy(), choice.victim() == null ? "" : choice.victim().cgroup());
            victimsFreed.put(choice.policy(), choice.victim() == null ? 0 : choice.victim().freedBytes());
        });
        OomPostMortem.Choice best = postMortem.best();
        return new OomKillFigures(postMortem.host(), postMortem.seq(), postMortem.pid(), postMortem.comm(), postMortem.cgroup(),
                postMortem.kernelPoints(), postMortem.kernelFreedPages(), postMortem.freedBytes(), freed, stillHeld,
                postMortem.bytesLeftAlive(), victims, victimCgroups, victimsFreed, best == null ? 0 : best.pid(), best == null ? 0 : best.freedBytes(), postMortem.kernelChoiceBest());
    }

    public static OomKillFigures fromTruth(OomKillTruth truth) {
        int pid = truth.kill().pid();
        Map<Long, Long> freed = new TreeMap<>();
        truth.kill().before().objects().stream().filter(object -> object.holders().equals(List.of(pid)))
                .forEach(object -> freed.put(object.object(), object.residentBytes()));
        Map<Long, List<Long>> stillHeld = new TreeMap<>();
        long leftAlive = 0;
        for (ObjectTruth survivor : truth.kill().survivors()) {
            stillHeld.put(survivor.object(), heldAs(survivor.residentBytes(), survivor.holders()));
            leftAlive += survivor.residentBytes();
        }
        Map<Policy, Integer> victims = new EnumMap<>(Policy.class);
        Map<Policy, String> victimCgroups = new EnumMap<>(Policy.class);
        Map<Policy, Long> victimsFreed = new EnumMap<>(Policy.class);
        for (Policy policy : Policy.all()) {
            int victim = truth.atKill().victims().get(policy.name());
            victims.put(policy, victim);
            victimCgroups.put(policy, truth.kill().before().processes().stream().filter(process -> process.pid() == victim)
                    .map(ProcessFacts::cgroup).findFirst().orElse(""));
            victimsFreed.put(policy, freedByKill(truth, victim));
        }
        int best = truth.atKill().bestVictim();
        long bestFreed = freedByKill(truth, best);
        return new OomKillFigures(truth.host(), truth.seq(), pid, truth.kill().comm(), truth.kill().cgroup(),
                truth.kill().badnessPoints(), truth.kill().freedPages(), truth.kill().freedBytes(), freed, stillHeld, leftAlive, victims,
                victimCgroups, victimsFreed, best,
                bestFreed, truth.kill().freedBytes() >= bestFreed);
    }

    private static List<Long> heldAs(long residentBytes, List<Integer> holders) {
        return Stream.concat(Stream.of(residentBytes), holders.stream().map(Integer::longValue)).toList();
    }

    private static long freedByKill(OomKillTruth truth, int pid) {
        return truth.atKill().processes().stream().filter(process -> process.pid() == pid).mapToLong(ProcessTruth::freedByKill)
                .findFirst().orElse(0);
    }
}
