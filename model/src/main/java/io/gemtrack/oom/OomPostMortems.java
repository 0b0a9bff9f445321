package io.gemtrack.oom;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody.OomKill;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.OomPostMortem;
import io.gemtrack.model.Process;
import io.gemtrack.policy.ExactSums;
import io.gemtrack.policy.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the post-mortem of an OOM kill (SEMANTICS.md §6a) at the instant its {@code OomKill} is applied, while the
 * killed process still lives in the model (its exit and releases come after), and keeps it with the host.
 * Everything that folds events and shows kills folds through here: the aggregator, {@code replay} and the tests.
 */
public final class OomPostMortems {

    private OomPostMortems() {
    }

    /** Applies {@code event} to the fleet, and keeps the post-mortem of a kill it applied. */
    public static ApplyResult apply(FleetModel fleet, Event event, long epochMillis) {
        ApplyResult result = fleet.apply(event);
        // The host is looked up again only for a kill: this runs for every event the aggregator applies.
        if (isAppliedKill(event, result)) {
            record(fleet.host(event.host()), event, epochMillis);
        }
        return result;
    }

    /** Applies {@code event} to the host, and keeps the post-mortem of a kill it applied. */
    public static ApplyResult apply(HostModel host, Event event, long epochMillis) {
        ApplyResult result = host.apply(event);
        if (isAppliedKill(event, result)) {
            record(host, event, epochMillis);
        }
        return result;
    }

    private static boolean isAppliedKill(Event event, ApplyResult result) {
        return result.equals(ApplyResult.APPLIED) && event.body() instanceof OomKill;
    }

    private static void record(HostModel host, Event event, long epochMillis) {
        host.recordOomKill(of(host, event, (OomKill) event.body(), epochMillis));
    }

    /** The post-mortem of {@code kill}, which the host has applied and whose victim it still holds. */
    static OomPostMortem of(HostModel host, Event event, OomKill kill, long epochMillis) {
        Process victim = host.process(kill.pid());
        WhatIfKilled whatIf = OomAdvisor.whatIfKilled(host, victim);
        List<OomPostMortem.Buffer> freed = whatIf.freedObjects().stream()
                .map(object -> new OomPostMortem.Buffer(object.object(), object.residentBytes())).toList();
        List<OomPostMortem.HeldBuffer> stillHeld = whatIf.stillHeld().stream()
                .map(object -> new OomPostMortem.HeldBuffer(object.object(), object.residentBytes(), object.holdersLeft())).toList();
        long leftAlive = stillHeld.stream().mapToLong(OomPostMortem.HeldBuffer::residentBytes).reduce(0, ExactSums::saturatedAdd);
        List<OomPostMortem.PolicyChoice> policies = new ArrayList<>();
        OomCandidate best = null;
        for (Policy policy : Policy.all()) {
            OomRanking ranking = OomAdvisor.rank(host, policy);
            policies.add(new OomPostMortem.PolicyChoice(policy, choice(host, ranking.victim())));
            // Every ranking has the same best victim: it is chosen by what a kill frees, which no policy changes.
            best = ranking.bestVictim();
        }
        OomPostMortem.Choice bestChoice = choice(host, best);
        boolean kernelChoiceBest = bestChoice == null || whatIf.freedBytes() >= bestChoice.freedBytes();
        return new OomPostMortem(host.host(), event.bootId(), event.seq(), event.ts(), epochMillis, victim.pid(), victim.comm(),
                victim.cgroup(), kill.badnessPoints(), kill.freedPages(), whatIf.freedBytes(), freed, stillHeld, leftAlive, policies, bestChoice,
                kernelChoiceBest);
    }

    private static OomPostMortem.Choice choice(HostModel host, OomCandidate candidate) {
        return candidate == null ? null : new OomPostMortem.Choice(candidate.pid(), candidate.comm(),
                host.process(candidate.pid()).cgroup(), candidate.points(), candidate.freedBytes());
    }
}
