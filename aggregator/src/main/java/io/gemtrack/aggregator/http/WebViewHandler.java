package io.gemtrack.aggregator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The built-in web view, all of it from the class path, so running it needs no build toolchain:
 * <pre>
 * /  /hosts/{host}  /hosts/{host}/cgroups  /hosts/{host}/processes/{pid}   one HTML page; its ES modules render the path from the JSON API
 * /oom-kills  /hosts/{host}/oom-kills              the same page, showing the post-mortems of OOM kills
 * /web/{file}                                       the view's own modules and styles (resources under web/)
 * /web/vendor/{name}/{file}                         a library from its npm webjar, whatever version the build has
 * </pre>
 */
final class WebViewHandler implements HttpHandler {

    private static final Pattern PAGE = Pattern.compile(
            "/|/oom-kills|/hosts/[^/]+|/hosts/[^/]+/cgroups|/hosts/[^/]+/oom-kills|/hosts/[^/]+/processes/[^/]+");
    private static final String VENDOR = "/web/vendor/";
    private static final String OWN = "/web/";
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private final ClassLoader classLoader = WebViewHandler.class.getClassLoader();

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!AggregatorHttpServer.isGetOrHead(exchange)) {
            AggregatorHttpServer.respondMethodNotAllowed(exchange);
            return;
        }
        String path = exchange.getRequestURI().getPath();
        Optional<String> resource = resource(path).filter(name -> CONTENT_TYPES.containsKey(extension(name)));
        byte[] body = resource.map(this::read).orElse(null);
        if (body == null) {
            AggregatorHttpServer.respond(exchange, 404, AggregatorHttpServer.TEXT, "not found: " + path + "\n");
            return;
        }
        // Revalidate every time: the view is small and must never run stale modules after an upgrade.
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        AggregatorHttpServer.respond(exchange, 200, CONTENT_TYPES.get(extension(resource.get())), body);
    }

    /** The class-path resource that answers {@code path}, if any may; only files of a served type are answered. */
    private Optional<String> resource(String path) {
        if (PAGE.matcher(path).matches()) {
            return Optional.of("web/index.html");
        }
        if (path.contains("..")) {
            return Optional.empty();
        }
        if (path.startsWith(VENDOR)) {
            String[] nameAndFile = path.substring(VENDOR.length()).split("/", 2);
            return nameAndFile.length < 2 ? Optional.empty() : webjarVersion(nameAndFile[0]).map(version ->
                    "META-INF/resources/webjars/" + nameAndFile[0] + "/" + version + "/" + nameAndFile[1]);
        }
        return path.startsWith(OWN) ? Optional.of("web/" + path.substring(OWN.length())) : Optional.empty();
    }

    /**
     * The version of the npm webjar {@code name} on the class path, from the pom.properties every webjar carries.
     * Read per request, not cached: it is two files a page load, and a cache keyed by request paths would grow.
     */
    private Optional<String> webjarVersion(String name) {
        byte[] pom = read("META-INF/maven/org.webjars.npm/" + name + "/pom.properties");
        if (pom == null) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try {
            properties.load(new ByteArrayInputStream(pom));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.ofNullable(properties.getProperty("version"));
    }

    /** The resource's bytes, {@code null} when there is no such resource. */
    private byte[] read(String resource) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    private static String extension(String resource) {
        return resource.substring(resource.lastIndexOf('.') + 1);
    }
}
