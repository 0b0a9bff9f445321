package io.gemtrack.aggregator.http;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.HostQuarantine;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.aggregator.kafka.ProcessExits;
import io.gemtrack.aggregator.kafka.SharedFleet;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
import io.gemtrack.model.ObjectSort;
import io.gemtrack.model.Process;
import io.gemtrack.oom.OomAdvisor;
import io.gemtrack.policy.Policy;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON API. Answers are computed under the fleet's lock, so each is one consistent view (the fleet's list one of
 * each host), and no answer holds the lock for longer than a page of one host takes (but a checkpoint and the cgroups,
 * which read every object of the host). Lists take
 * {@code limit} (1 to 1000, 100 unless given), {@code offset} and {@code sort}, and say their {@code total}
 * ({@link ListPage}):
 * <pre>
 * GET /api/policies                                     the policies' names, in the order of every per-policy map
 * GET /api/hosts                                        every host: totals, per-policy figures, sync state, staleness
 * GET /api/hosts/{host}                                 one host, as in the list
 * GET /api/hosts/{host}?at=TIME[&policy=P]              the host as it was at TIME, folded from the events topic:
 *                                                       its figures, OOM ranking and kills, with what could be told
 * GET /api/hosts/{host}/processes?policy=P              processes, most charged under P first (sort=charged|pid)
 * GET /api/hosts/{host}/processes/{pid}                 one process and its buffers with their holders (sort=id|size)
 * GET /api/hosts/{host}/processes/{pid}/what-if-killed  what a kill would free, and who keeps the rest alive
 * GET /api/hosts/{host}/exits                           the processes that exited lately, the last first
 * GET /api/hosts/{host}/exits/{pid}                     one of them: when it exited, what it was charged and freed
 * GET /api/hosts/{host}/buffers                         the host's buffers with their creators and holders (sort=id|size;
 *                                                       offset + limit at most 10,000)
 * GET /api/hosts/{host}/buffers/{object}                one buffer and its holders
 * GET /api/hosts/{host}/history                         GEM and unaccounted bytes over the last minutes, as columns
 * GET /api/hosts/{host}/oom?policy=P                    the OOM ranking under P, its victim and the best victim
 * GET /api/hosts/{host}/oom                             the victim of every policy side by side
 * GET /api/hosts/{host}/cgroups                         every cgroup, parents first, with its figures under every policy
 * GET /api/hosts/{host}/cgroups/{name}/{name}...        one cgroup (its path's names as segments): its processes, their
 *                                                       buffers, and what killing all of them would free
 * GET /api/hosts/{host}/checkpoint                      the whole model as its checkpoint JSON: canonical, so equal
 *                                                       models give equal bytes (for comparing two aggregators)
 * GET /api/hosts/{host}/oom-kills                       the post-mortems of the host's last OOM kills, newest first
 * GET /api/oom-kills                                    those of every host, newest first
 * </pre>
 * Every route of a host but {@code exits} and {@code history} (which only the live aggregator knows) also takes
 * {@code at=TIME} (RFC 3339 or milliseconds since the epoch): it answers what the route would have answered for the
 * host as of TIME, folded off to the side by {@link AsOfAnswers} outside the fleet's lock, with the same body as the
 * live route's and what could be told of the host then (retention, offsets, a note) as JSON in the
 * {@value #AS_OF_HEADER} header.
 * Path segments are percent-decoded, so a host whose name has characters a URL path cannot hold is named with
 * {@code %xx} escapes. Only GET and HEAD are answered. Errors are JSON too: 404 for an unknown resource, host, pid
 * or object; 400 for a bad parameter; 405 for another method; 500, logged, for anything unexpected (see
 * {@link JsonHandler}).
 */
public final class ApiHandler implements HttpHandler {

    /** The positions of a host's buffer order a page may reach. */
    static final int MAX_BUFFER_WINDOW = 10_000;
    /** The header of an answer about the past: {@link AsOfAnswers.Facts} as JSON, in ASCII. */
    static final String AS_OF_HEADER = "Gemtrack-As-Of";
    /** A host's routes that only the live aggregator can answer: what it remembers besides the fold. */
    private static final Set<String> LIVE_ONLY = Set.of("exits", "history");
    private static final String ROUTES_AS_OF = "/api/hosts/HOST and its processes, processes/PID, processes/PID/what-if-killed,"
            + " buffers, buffers/OBJECT, oom, cgroups, cgroups/..., oom-kills and checkpoint";
    private static final ObjectWriter ASCII_JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build().writer();

    private final SharedFleet fleet;
    private final FleetHistory history;
    private final HostActivity activity;
    private final ProcessExits exits;
    private final CheckpointCodec checkpoints = new CheckpointCodec();
    private final JsonHandler json = new JsonHandler(this::respond);
    private final AsOfAnswers asOf;

    /** @param activity when each host was last heard from, guarded by the fleet's lock */
    public ApiHandler(SharedFleet fleet, FleetHistory history, HostActivity activity) {
        this(fleet, history, activity, new ProcessExits(), null);
    }

    /**
     * @param exits the processes that exited lately, guarded by the fleet's lock
     * @param asOf  answers {@code /api/hosts/HOST?at=TIME}; {@code null}: such questions are refused
     */
    public ApiHandler(SharedFleet fleet, FleetHistory history, HostActivity activity, ProcessExits exits, AsOfAnswers asOf) {
        this.fleet = fleet;
        this.history = history;
        this.activity = activity;
        this.exits = exits;
        this.asOf = asOf;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        json.handle(exchange);
    }

    private JsonHandler.Answer respond(URI uri) throws ApiException, IOException {
        Optional<String> at = QueryParameters.of(uri).get("at");
        if (at.isPresent()) {
            // Folded off to the side, outside the fleet's lock: the live models go on meanwhile.
            return answerAsOf(uri, at.get());
        }
        return encode(answer(uri));
    }

    private JsonHandler.Answer encode(Object answer) throws IOException {
        // A checkpoint is written by the codec that stores it, so the API shows exactly the stored form.
        return answer instanceof HostCheckpoint checkpoint ? new JsonHandler.Answer(200, checkpoints.encode(checkpoint))
                : JsonHandler.json(200, answer);
    }

    /**
     * Takes the fleet's lock for no longer than one host's answer needs: the fleet's list host by host, a host's
     * answers for a page, one process or one object (or the whole model, for its checkpoint and its cgroups).
     */
    private Object answer(URI uri) throws ApiException {
        String path = uri.getPath();
        List<String> parts = segments(uri.getRawPath());
        if (parts.equals(List.of("policies"))) {
            return Policy.all();
        }
        if (parts.equals(List.of("oom-kills"))) {
            return fleet.read(OomKillViews::fleet);
        }
        if (parts.equals(List.of("hosts"))) {
            return hostViews();
        }
        if (parts.size() < 2 || !parts.get(0).equals("hosts")) {
            throw new ApiException(404, "no such resource: " + path);
        }
        if (parts.size() == 3 && parts.get(2).equals("history")) {
            // The history is sampled and kept apart from the model: the lock is needed only to know the host.
            knownHost(parts.get(1));
            return history.of(parts.get(1));
        }
        QueryParameters query = QueryParameters.of(uri);
        return fleet.read(model -> {
            HostModel host = host(model, parts.get(1));
            if (parts.size() == 2) {
                return hostView(host, HostActivity.now());
            }
            try {
                return answer(query, path, host, parts, true);
            } catch (RuntimeException e) {
                // This request fails; the host, whose state made it fail, is quarantined, and every other host is answered.
                HostQuarantine.quarantine(host, "answering GET " + path, e);
                throw e;
            }
        });
    }

    /** 404 unless this aggregator has the host now. */
    private void knownHost(String name) throws ApiException {
        fleet.read(model -> host(model, name));
    }

    /** Every host in name order, each a consistent view of its own; the lock is let go between hosts. */
    private List<ApiViews.HostView> hostViews() {
        long now = HostActivity.now();
        return fleet.readEachHost(host -> hostView(host, now));
    }

    /**
     * A host's route with {@code at=TIME}: the host as it was then, folded from the events topic, and the route answered
     * on that model by the live route's code.
     */
    private JsonHandler.Answer answerAsOf(URI uri, String at) throws ApiException, IOException {
        String path = uri.getPath();
        List<String> parts = segments(uri.getRawPath());
        if (parts.size() < 2 || !parts.get(0).equals("hosts")) {
            throw new ApiException(400, "query parameter at is answered for a host's routes only: " + ROUTES_AS_OF);
        }
        if (parts.size() > 2 && LIVE_ONLY.contains(parts.get(2))) {
            throw new ApiException(400, "/api/hosts/HOST/" + parts.get(2) + " is answered live only, without query parameter at;"
                    + " at is taken by " + ROUTES_AS_OF);
        }
        if (asOf == null) {
            throw new ApiException(400, "this aggregator answers no question about the past");
        }
        long atMillis;
        try {
            atMillis = AsOfAnswers.parseInstant(at);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "query parameter at: " + e.getMessage());
        }
        QueryParameters query = QueryParameters.of(uri);
        knownHost(parts.get(1));
        try {
            if (parts.size() == 2) {
                AsOfAnswers.AsOf answer = asOf.answer(parts.get(1), atMillis, policy(query));
                return JsonHandler.json(200, answer).withHeader(AS_OF_HEADER, factsJson(answer.facts()));
            }
            AsOfAnswers.Answered<Object> answered = asOf.answer(parts.get(1), atMillis, model -> answer(query, path, model, parts, false));
            if (answered.refused() != null) {
                throw answered.refused().withHeader(AS_OF_HEADER, factsJson(answered.facts()));
            }
            return encode(answered.answer()).withHeader(AS_OF_HEADER, factsJson(answered.facts()));
        } catch (HostReplay.TooLargeException e) {
            throw new ApiException(422, e.getMessage());
        }
    }

    private static String factsJson(AsOfAnswers.Facts facts) throws IOException {
        return ASCII_JSON.writeValueAsString(facts);
    }

    /** A host as the list shows it: a host whose figures cannot be read is quarantined and shown without them. */
    private ApiViews.HostView hostView(HostModel host, long now) {
        try {
            return ApiViews.host(host, activity, now);
        } catch (RuntimeException e) {
            HostQuarantine.quarantine(host, "showing it in the API", e);
            return ApiViews.withoutFigures(host, activity, now);
        }
    }

    /**
     * What {@code /api/hosts/HOST/...} answers, below the host itself, for {@code host}: the live model under the fleet's
     * lock, or a model folded as of an instant.
     *
     * @param live whether {@code host} is the live model, so that what the aggregator remembers besides it (the exits)
     *             may be read too
     */
    private Object answer(QueryParameters query, String path, HostModel host, List<String> parts, boolean live) throws ApiException {
        String resource = parts.get(2);
        Optional<Policy> policy = policy(query);
        if (resource.equals("processes") && parts.size() == 3) {
            return ApiViews.processes(host, policy.orElseThrow(() ->
                    new ApiException(400, "query parameter policy is required; allowed: " + Policy.names())),
                    ListPage.of(query, ApiViews.ProcessSort.class, ApiViews.ProcessSort.charged));
        }
        if (resource.equals("processes") && parts.size() == 4) {
            return ApiViews.process(host, process(host, parts.get(3), live), ListPage.of(query, ObjectSort.class, ObjectSort.id));
        }
        if (resource.equals("processes") && parts.size() == 5 && parts.get(4).equals("what-if-killed")) {
            return OomAdvisor.whatIfKilled(host, process(host, parts.get(3), live));
        }
        if (resource.equals("exits") && parts.size() == 3) {
            return exits.all(host);
        }
        if (resource.equals("exits") && parts.size() == 4) {
            long pid = number("pid", parts.get(3));
            return (pid == (int) pid ? exits.of(host, (int) pid) : Optional.<ProcessExits.Exit>empty()).orElseThrow(() ->
                    new ApiException(404, "no exit of pid " + parts.get(3) + " on host " + host.host() + " among the last "
                            + ProcessExits.PER_HOST));
        }
        if (resource.equals("buffers") && parts.size() == 3) {
            return ApiViews.buffers(host, bufferPage(query));
        }
        if (resource.equals("buffers") && parts.size() == 4) {
            return ApiViews.buffer(object(host, parts.get(3)));
        }
        if (resource.equals("oom") && parts.size() == 3) {
            return policy.isPresent() ? OomAdvisor.rank(host, policy.get()) : ApiViews.oomComparison(host);
        }
        if (resource.equals("cgroups") && parts.size() == 3) {
            return CgroupViews.tree(host);
        }
        if (resource.equals("cgroups")) {
            return CgroupViews.cgroup(host, "/" + String.join("/", parts.subList(3, parts.size())));
        }
        if (resource.equals("oom-kills") && parts.size() == 3) {
            return host.oomKills();
        }
        if (resource.equals("checkpoint") && parts.size() == 3) {
            return host.checkpoint();
        }
        throw new ApiException(404, "no such resource: " + path);
    }

    /**
     * A page of a host's buffers is found by walking the model's order from its start, so it ends within the first
     * {@value #MAX_BUFFER_WINDOW} positions, as a search engine's result window does; the checkpoint has every object.
     */
    private static ListPage<ObjectSort> bufferPage(QueryParameters query) throws ApiException {
        ListPage<ObjectSort> page = ListPage.of(query, ObjectSort.class, ObjectSort.id);
        if ((long) page.offset() + page.limit() > MAX_BUFFER_WINDOW) {
            throw new ApiException(400, "query parameters offset + limit must be at most " + MAX_BUFFER_WINDOW
                    + " for a host's buffers, were " + page.offset() + " + " + page.limit()
                    + "; the host's checkpoint holds every object");
        }
        return page;
    }

    /**
     * The path's segments after {@code /api/}, each percent-decoded on its own, so that every host name can be named:
     * {@code %2F} is a '/' inside a segment, not between two.
     */
    private static List<String> segments(String rawPath) throws ApiException {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.replaceFirst("^/api/", "").split("/")) {
            try {
                // URLDecoder decodes forms, where '+' stands for a space; in a path it is a '+'.
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "path segment '" + segment + "' is not percent-encoded correctly");
            }
        }
        return segments;
    }

    private static HostModel host(FleetModel fleet, String name) throws ApiException {
        HostModel host = fleet.host(name);
        if (host == null) {
            throw new ApiException(404, "unknown host " + name);
        }
        return host;
    }

    private Process process(HostModel host, String pid, boolean live) throws ApiException {
        long number = number("pid", pid);
        Process process = number == (int) number ? host.process((int) number) : null;
        if (process == null) {
            boolean exited = live && number == (int) number && exits.of(host, (int) number).isPresent();
            throw new ApiException(404, exited ? "pid " + pid + " exited on host " + host.host() + "; its exit: "
                    + "/api/hosts/" + host.host() + "/exits/" + pid : "unknown pid " + pid + " on host " + host.host());
        }
        return process;
    }

    private static GemObject object(HostModel host, String id) throws ApiException {
        GemObject object = host.object(number("object", id));
        if (object == null) {
            throw new ApiException(404, "unknown object " + id + " on host " + host.host());
        }
        return object;
    }

    private static long number(String name, String text) throws ApiException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a number, was '" + text + "'");
        }
    }

    /** The {@code policy} query parameter: empty when absent, 400 when it names no policy. */
    private static Optional<Policy> policy(QueryParameters query) throws ApiException {
        Optional<String> name = query.get("policy");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Policy.named(name.get()).orElseThrow(() ->
                new ApiException(400, "unknown policy '" + name.get() + "'; allowed: " + Policy.names())));
    }
}
