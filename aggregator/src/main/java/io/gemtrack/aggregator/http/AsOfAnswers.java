package io.gemtrack.aggregator.http;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.OomPostMortem;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.policy.Policy;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Answers about a host as of an instant ({@code ?at=TIME}), folded off to the side by a {@link HostReplay} (from a
 * checkpoint when one fits). One
 * question is folded at a time, and the live models are never touched. Two things are kept for repeated questions,
 * both by host, instant and the offset where the fold stopped, so a second question about the same instant costs one
 * {@code offsetsForTimes}:
 * <ul>
 * <li>the last folded model, one: the routes a page asks about one instant together are
 *     answered from one fold. A model is a checkpoint's host and what at most {@link HostReplay#MAX_RECORDS} events
 *     build on it, so this bounds the memory kept as one live host of that size does;</li>
 * <li>the last {@link #CACHED} answers of {@code /api/hosts/HOST?at=TIME} (figures, not models; by policy too), so
 *     questions alternating between instants do not fold again.</li>
 * </ul>
 * The routes are answered on the folded model under this object's lock, so the model has one reader at a time and
 * is never read while another fold replaces it.
 */
public final class AsOfAnswers implements AutoCloseable {

    /** Answers kept; each is a host's figures, not its model, so a few KB. */
    static final int CACHED = 64;

    private final Supplier<HostReplay> replays;
    private HostReplay replay;
    private final Map<String, AsOf> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AsOf> eldest) {
            return size() > CACHED;
        }
    };
    private String foldedKey;
    private HostReplay.Result folded;
    private long folds;

    /**
     * What can be told of a host as of an instant: every answer about the past carries it (see {@link AsOf}, and
     * the {@code Gemtrack-As-Of} header of every route's answer with {@code at}).
     *
     * @param at                the instant, RFC 3339 in UTC
     * @param olderThanRetained whether {@code at} is before the oldest record retained: the state is then empty, and
     *                          {@code note} says so
     * @param logStartOffset    above 0 when retention deleted the partition's oldest records
     * @param foldStart         where the fold started: a checkpoint, or the log's start
     */
    public record Facts(String host, String at, long atEpochMillis, boolean olderThanRetained, Long oldestRetainedEpochMillis,
                        long logStartOffset, long throughOffset, long recordsRead, long eventsFolded, String note,
                        FoldStart foldStart) {

        /** The facts of a replay's result. */
        public static Facts of(HostReplay.Result result) {
            String note;
            HostReplay.Start start = result.start();
            if (start.fromCheckpoint() && start.offset() > 0 && start.offset() == result.logStartOffset()
                    && result.oldestRetainedMillis().isPresent() && result.atEpochMillis() < result.oldestRetainedMillis().getAsLong()) {
                note = "the instant is older than the oldest retained event (" + Instant.ofEpochMilli(result.oldestRetainedMillis().getAsLong())
                        + "), but a checkpoint covering every deleted event tells of the host then";
            } else if (start.fromCheckpoint()) {
                note = "folded from the host's checkpoint written at " + Instant.ofEpochMilli(start.checkpointWrittenMillis().getAsLong())
                        + ", covering the partition's records before offset " + start.offset() + ", and every event of the host"
                        + " after it before the instant" + (result.logStartOffset() > 0
                        ? "; retention deleted the records before offset " + result.logStartOffset() + ", which the checkpoint covers"
                        : "");
            } else if (result.olderThanRetained()) {
                note = result.oldestRetainedMillis().isPresent()
                        ? "the instant is older than the oldest retained event (" + Instant.ofEpochMilli(result.oldestRetainedMillis().getAsLong())
                        + "): nothing is known of the host then"
                        : "the host's partition retains no event: nothing is known of the host then";
            } else if (result.logStartOffset() > 0) {
                note = "retention deleted the partition's records before offset " + result.logStartOffset()
                        + ": the host is as its retained events tell, synchronised from its first snapshot among them";
            } else {
                note = "every event of the host before the instant was folded";
            }
            return new Facts(result.host(), Instant.ofEpochMilli(result.atEpochMillis()).toString(), result.atEpochMillis(),
                    result.olderThanRetained(), result.oldestRetainedMillis().isPresent() ? result.oldestRetainedMillis().getAsLong() : null,
                    result.logStartOffset(), result.throughOffset(), result.recordsRead(), result.eventsFolded(), note,
                    FoldStart.of(result));
        }
    }

    /**
     * Where a fold started.
     *
     * @param from                  {@code checkpoint} or {@code log start}
     * @param checkpointTopic       the topic of the checkpoint, when from one
     * @param checkpointAt          when the checkpoint was written, RFC 3339 in UTC, when from one
     * @param checkpointEpochMillis the same in milliseconds since the epoch
     * @param offset                the events offset the fold started at: what the checkpoint covers, or the log's start
     * @param checkpointRecordsRead records of the checkpoint topics read to find the checkpoint
     */
    public record FoldStart(String from, String checkpointTopic, String checkpointAt, Long checkpointEpochMillis, long offset,
                            long checkpointRecordsRead) {

        static FoldStart of(HostReplay.Result result) {
            HostReplay.Start start = result.start();
            if (!start.fromCheckpoint()) {
                return new FoldStart("log start", null, null, null, start.offset(), result.checkpointRecordsRead());
            }
            long written = start.checkpointWrittenMillis().getAsLong();
            return new FoldStart("checkpoint", start.checkpointTopic().get(), Instant.ofEpochMilli(written).toString(), written,
                    start.offset(), result.checkpointRecordsRead());
        }
    }

    /**
     * A host as of an instant, and what could be told of it: {@code /api/hosts/HOST?at=TIME}.
     *
     * @param facts    what could be told, as fields of the answer itself
     * @param state    the host's figures as the host list shows them
     * @param oom      the OOM ranking under the policy asked for, or every policy's victim side by side
     * @param oomKills the post-mortems of the kills before the instant, newest first
     */
    public record AsOf(@JsonUnwrapped Facts facts, Object state, Object oom, List<OomPostMortem> oomKills) {
    }

    /** A route's answer about the past, or its refusal ({@code answer} then null), and what could be told of the host then. */
    record Answered<T>(Facts facts, T answer, ApiException refused) {
    }

    /** A route answered on a host's model: the live routes' own code, given the folded model. */
    @FunctionalInterface
    interface Route<T> {
        T answer(HostModel model) throws ApiException;
    }

    /** @param replays makes the replay when the first question comes (it holds a Kafka consumer) */
    public AsOfAnswers(Supplier<HostReplay> replays) {
        this.replays = replays;
    }

    /** {@code host} as of {@code atEpochMillis}, with the OOM ranking under {@code policy} (every policy's victim if empty). */
    public synchronized AsOf answer(String host, long atEpochMillis, Optional<Policy> policy) {
        Question question = question(host, atEpochMillis);
        String key = question.key() + "\n" + policy.map(Policy::name).orElse("");
        AsOf cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        AsOf answer = of(fold(question), policy);
        cache.put(key, answer);
        return answer;
    }

    /** {@code route} answered on {@code host} as of {@code atEpochMillis}: folded, or the last fold of that instant. */
    synchronized <T> Answered<T> answer(String host, long atEpochMillis, Route<T> route) {
        HostReplay.Result result = fold(question(host, atEpochMillis));
        try {
            return new Answered<>(Facts.of(result), route.answer(result.model()), null);
        } catch (ApiException e) {
            // A refusal about the past (a pid unknown then) says what could be told of the host then too.
            return new Answered<>(Facts.of(result), null, e);
        }
    }

    /** Folds run so far: a question answered from a kept fold runs none. */
    synchronized long folds() {
        return folds;
    }

    private HostReplay.Result fold(Question question) {
        if (!question.key().equals(foldedKey)) {
            // The one kept is let go first, so that two folded models are never held at once.
            foldedKey = null;
            folded = null;
            folded = replay.replay(question.host(), question.atEpochMillis(), question.throughOffset());
            foldedKey = question.key();
            folds++;
        }
        return folded;
    }

    /**
     * A question about a host as of an instant, with the offset its fold stops at. The offset belongs in the key: a
     * question about an instant after the newest record folds up to the partition's end, which moves as records arrive.
     */
    private record Question(String host, long atEpochMillis, long throughOffset) {

        String key() {
            return String.join("\n", host, Long.toString(atEpochMillis), Long.toString(throughOffset));
        }
    }

    private Question question(String host, long atEpochMillis) {
        if (replay == null) {
            replay = replays.get();
        }
        return new Question(host, atEpochMillis, replay.throughOffset(host, atEpochMillis));
    }

    /** The answer for a replay's result: also what {@code gemtrack replay --json} prints. */
    public static AsOf of(HostReplay.Result result, Optional<Policy> policy) {
        HostModel model = result.model();
        HostActivity activity = new HostActivity(HostActivity.Expiry.DEFAULT);
        Object oom = policy.<Object>map(chosen -> OomAdvisor.rank(model, chosen)).orElseGet(() -> ApiViews.oomComparison(model));
        return new AsOf(Facts.of(result), ApiViews.host(model, activity, HostActivity.now()), oom, model.oomKills());
    }

    /**
     * An instant as the {@code at} parameter and {@code --at} take it: RFC 3339 ({@code 2026-12-02T03:12:00Z},
     * {@code 2026-12-02T04:12:00+01:00}) or milliseconds since the epoch.
     *
     * @throws IllegalArgumentException naming both forms
     */
    public static long parseInstant(String text) {
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too large for milliseconds since the epoch");
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is neither an RFC 3339 time (2026-12-02T03:12:00Z) nor"
                    + " milliseconds since the epoch");
        }
    }

    @Override
    public synchronized void close() {
        if (replay != null) {
            replay.close();
        }
    }
}
