package io.gemtrack.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Predicate;

/** GETs JSON from a running aggregator's API. */
public final class ApiClient {

    /** One answer: status and parsed body. */
    public record Answer(int status, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    public ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public Answer get(String path) {
        HttpResponse<String> response = send(path);
        try {
            return new Answer(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " answered no JSON: " + response.body(), e);
        }
    }

    /** The body of a 200 answer exactly as sent, for comparing canonical dumps byte for byte. */
    public String text(String path) {
        HttpResponse<String> response = send(path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * The SHA-256 of a 200 answer's body, read as it arrives: for comparing dumps too large to hold twice beside the
     * model that answers them.
     */
    public String sha256(String path) {
        try {
            HttpResponse<InputStream> response = http.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": "
                            + new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
                MessageDigest digest = sha256();
                try (DigestInputStream digesting = new DigestInputStream(body, digest)) {
                    digesting.transferTo(OutputStream.nullOutputStream());
                }
                return HexFormat.of().formatHex(digest.digest());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of {@code bytes}, as {@link #sha256(String)} gives it of an answer. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET().build();
    }

    private HttpResponse<String> send(String path) {
        try {
            return http.send(request(path), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GETs {@code path} until its body satisfies {@code ready}, for at most a minute. */
    public JsonNode await(String path, Predicate<JsonNode> ready) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Answer last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (last.status() == 200 && ready.test(last.body())) {
                return last.body();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("GET " + path + " never became ready; last answer: " + last);
    }
}
