package io.gemtrack.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A broker certificate for {@code 127.0.0.1} and {@code localhost}, self-signed, made with the JDK's own
 * {@code keytool}: a PKCS12 key store for the brokers and a PKCS12 trust store holding the certificate for clients.
 * One is made per JVM, on first use, and removed when the JVM exits.
 */
public final class SelfSignedCertificate {

    private static final String ALIAS = "gemtrack-broker";
    private static SelfSignedCertificate shared;

    private final Path keyStore;
    private final Path trustStore;
    private final String password;

    private SelfSignedCertificate(Path keyStore, Path trustStore, String password) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
    }

    /** The JVM's certificate, made on the first call (keytool takes a second or two). */
    public static synchronized SelfSignedCertificate shared() {
        if (shared == null) {
            shared = make();
        }
        return shared;
    }

    private static SelfSignedCertificate make() {
        try {
            Path directory = Files.createTempDirectory("gemtrack-tls-");
            String password = UUID.randomUUID().toString();
            Path keyStore = directory.resolve("broker.p12");
            Path certificate = directory.resolve("broker.pem");
            Path trustStore = directory.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password);
            keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(), "-storepass", password,
                    "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", ALIAS, "-file", certificate.toString(),
                    "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", password);
            for (Path file : List.of(directory, keyStore, certificate, trustStore)) {
                // Deleted in reverse order of registration: the files first, then their directory.
                file.toFile().deleteOnExit();
            }
            return new SelfSignedCertificate(keyStore, trustStore, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a self-signed certificate with keytool", e);
        }
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    /** The brokers' key store (PKCS12): their private key and certificate. */
    public Path keyStore() {
        return keyStore;
    }

    /** The clients' trust store (PKCS12): the certificate alone. */
    public Path trustStore() {
        return trustStore;
    }

    /** The password of both stores and of the key. */
    public String password() {
        return password;
    }
}
