package io.gemtrack.aggregator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.gemtrack.aggregator.kafka.HostActivity;
import io.gemtrack.aggregator.kafka.HostQuarantine;
import io.gemtrack.aggregator.kafka.HostReplay;
import io.gemtrack.model.CheckpointCodec;
import io.gemtrack.model.FleetModel;
import io.gemtrack.model.GemObject;
import io.gemtrack.model.HostCheckpoint;
import io.gemtrack.model.HostModel;
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

/**
 * The JSON API. Answers are computed under the fleet's lock, so each is one consistent view:
 * <pre>
 * GET /api/policies                                     the policies' names, in the order of every per-policy map
 * GET /api/hosts                                        every host: totals, per-policy figures, sync state, staleness
 * GET /api/hosts/{host}                                 one host, as in the list
 * GET /api/hosts/{host}?at=TIME[&policy=P]              the host as it was at TIME, folded from the events topic
 * GET /api/hosts/{host}/processes?policy=P              processes, most charged under P first
 * GET /api/hosts/{host}/processes/{pid}                 one process and its buffers with their holders
 * GET /api/hosts/{host}/processes/{pid}/what-if-killed  what a kill would free, and who keeps the rest alive
 * GET /api/hosts/{host}/buffers                         every buffer of the host with its creator and holders
 * GET /api/hosts/{host}/buffers/{object}                one buffer and its holders
 * GET /api/hosts/{host}/history                         GEM and unaccounted bytes over the last minutes, as columns
 * GET /api/hosts/{host}/oom?policy=P                    the OOM ranking under P, its victim and the best victim
 * GET /api/hosts/{host}/oom                             the victim of every policy side by side
 * GET /api/hosts/{host}/checkpoint                      the whole model as its checkpoint JSON: canonical, so equal
 *                                                       models give equal bytes (for comparing two aggregators)
 * GET /api/hosts/{host}/oom-kills                       the post-mortems of the host's last OOM kills, newest first
 * GET /api/oom-kills                                    those of every host, newest first
 * </pre>
 * Path segments are percent-decoded, so a host whose name has characters a URL path cannot hold is named with
 * {@code %xx} escapes. Only GET and HEAD are answered. Errors are JSON too: 404 for an unknown resource, host, pid
 * or object; 400 for a bad parameter; 405 for another method; 500, logged, for anything unexpected (see
 * {@link JsonHandler}).
 */
public final class ApiHandler implements HttpHandler {

    private final FleetModel fleet;
    private final FleetHistory history;
    private final HostActivity activity;
    private final CheckpointCodec checkpoints = new CheckpointCodec();
    private final JsonHandler json = new JsonHandler(this::respond);
    private final AsOfAnswers asOf;

    /** @param activity when each host was last heard from, guarded by the fleet's lock */
    public ApiHandler(FleetModel fleet, FleetHistory history, HostActivity activity) {
        this(fleet, history, activity, null);
    }

    /** @param asOf answers {@code /api/hosts/HOST?at=TIME}; {@code null}: such questions are refused */
    public ApiHandler(FleetModel fleet, FleetHistory history, HostActivity activity, AsOfAnswers asOf) {
        this.fleet = fleet;
        this.history = history;
        this.activity = activity;
        this.asOf = asOf;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        json.handle(exchange);
    }

    private JsonHandler.Answer respond(URI uri) throws ApiException, IOException {
        Optional<String> at = parameter(uri, "at");
        if (at.isPresent()) {
            // Folded off to the side, outside the fleet's lock: the live models go on meanwhile.
            return JsonHandler.json(200, answerAsOf(uri, at.get()));
        }
        Object answer;
        synchronized (fleet) {
            answer = answer(uri);
        }
        // A checkpoint is written by the codec that stores it, so the API shows exactly the stored form.
        return answer instanceof HostCheckpoint checkpoint ? new JsonHandler.Answer(200, checkpoints.encode(checkpoint))
                : JsonHandler.json(200, answer);
    }

    private Object answer(URI uri) throws ApiException {
        String path = uri.getPath();
        List<String> parts = segments(uri.getRawPath());
        if (parts.equals(List.of("policies"))) {
            return Policy.all();
        }
        if (parts.equals(List.of("oom-kills"))) {
            return OomKillViews.fleet(fleet);
        }
        if (parts.equals(List.of("hosts"))) {
            long now = HostActivity.now();
            return fleet.hosts().stream().map(host -> hostView(host, now)).toList();
        }
        if (parts.size() < 2 || !parts.get(0).equals("hosts")) {
            throw new ApiException(404, "no such resource: " + path);
        }
        HostModel host = host(parts.get(1));
        if (parts.size() == 2) {
            return hostView(host, HostActivity.now());
        }
        try {
            return answer(uri, host, parts);
        } catch (RuntimeException e) {
            // This request fails; the host, whose state made it fail, is quarantined, and every other host is answered.
            HostQuarantine.quarantine(host, "answering GET " + path, e);
            throw e;
        }
    }

    /** {@code /api/hosts/HOST?at=TIME}: the host as it was then, folded from the events topic. */
    private AsOfAnswers.AsOf answerAsOf(URI uri, String at) throws ApiException {
        List<String> parts = segments(uri.getRawPath());
        if (parts.size() != 2 || !parts.get(0).equals("hosts")) {
            throw new ApiException(400, "query parameter at is answered for /api/hosts/HOST only");
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
        synchronized (fleet) {
            host(parts.get(1));
        }
        try {
            return asOf.answer(parts.get(1), atMillis, policy(uri));
        } catch (HostReplay.TooLargeException e) {
            throw new ApiException(422, e.getMessage());
        }
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

    /** What {@code /api/hosts/HOST/...} answers, below the host itself. */
    private Object answer(URI uri, HostModel host, List<String> parts) throws ApiException {
        String path = uri.getPath();
        String resource = parts.get(2);
        Optional<Policy> policy = policy(uri);
        if (resource.equals("processes") && parts.size() == 3) {
            return ApiViews.processes(host, policy.orElseThrow(() ->
                    new ApiException(400, "query parameter policy is required; allowed: " + Policy.names())));
        }
        if (resource.equals("processes") && parts.size() == 4) {
            return ApiViews.process(host, process(host, parts.get(3)));
        }
        if (resource.equals("processes") && parts.size() == 5 && parts.get(4).equals("what-if-killed")) {
            return OomAdvisor.whatIfKilled(host, process(host, parts.get(3)));
        }
        if (resource.equals("buffers") && parts.size() == 3) {
            return ApiViews.buffers(host);
        }
        if (resource.equals("buffers") && parts.size() == 4) {
            return ApiViews.buffer(object(host, parts.get(3)));
        }
        if (resource.equals("oom") && parts.size() == 3) {
            return policy.isPresent() ? OomAdvisor.rank(host, policy.get()) : ApiViews.oomComparison(host);
        }
        if (resource.equals("history") && parts.size() == 3) {
            return history.of(host.host());
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

    private HostModel host(String name) throws ApiException {
        HostModel host = fleet.host(name);
        if (host == null) {
            throw new ApiException(404, "unknown host " + name);
        }
        return host;
    }

    private static Process process(HostModel host, String pid) throws ApiException {
        long number = number("pid", pid);
        Process process = number == (int) number ? host.process((int) number) : null;
        if (process == null) {
            throw new ApiException(404, "unknown pid " + pid + " on host " + host.host());
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
    private static Optional<Policy> policy(URI uri) throws ApiException {
        Optional<String> name = parameter(uri, "policy");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Policy.named(name.get()).orElseThrow(() ->
                new ApiException(400, "unknown policy '" + name.get() + "'; allowed: " + Policy.names())));
    }

    /** The first value of query parameter {@code name}, decoded; empty when absent. */
    private static Optional<String> parameter(URI uri, String name) {
        String query = uri.getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String parameter : query.split("&")) {
            String[] nameValue = parameter.split("=", 2);
            if (nameValue[0].equals(name)) {
                return Optional.of(nameValue.length == 2 ? URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8) : "");
            }
        }
        return Optional.empty();
    }
}
