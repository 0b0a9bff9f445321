package io.gemtrack.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * How the brokers' client listener is secured, as a production cluster's would be: in the clear, or with SASL
 * SCRAM-SHA-512 logins, in the clear or over TLS (a {@link SelfSignedCertificate}), and with ACLs (KRaft's
 * {@code StandardAuthorizer}, nothing allowed that no ACL allows).
 *
 * <p>Two users always exist and are super users: {@value #BROKER_USER}, as which the brokers talk to each other and
 * to the controllers, and {@value #ADMIN_USER}, for whoever sets the cluster up (a test granting ACLs). Their
 * passwords are made anew for each instance. Further users are created, with their SCRAM credentials, when the
 * storage is formatted.
 */
public final class BrokerSecurity {

    public static final String BROKER_USER = "broker";
    public static final String ADMIN_USER = "admin";
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    /** A cluster in the clear: anyone may do anything. */
    public static final BrokerSecurity NONE = new BrokerSecurity(Protocol.PLAINTEXT, Map.of(), false);

    /** The client listener's security protocol, as Kafka names it. */
    public enum Protocol { PLAINTEXT, SASL_PLAINTEXT, SASL_SSL }

    private final Protocol protocol;
    private final Map<String, String> users;
    private final boolean acls;

    private BrokerSecurity(Protocol protocol, Map<String, String> users, boolean acls) {
        this.protocol = protocol;
        this.users = Map.copyOf(users);
        this.acls = acls;
    }

    /** SCRAM-SHA-512 logins over {@code protocol} ({@code SASL_PLAINTEXT} or {@code SASL_SSL}); no ACLs yet. */
    public static BrokerSecurity sasl(Protocol protocol) {
        if (protocol == Protocol.PLAINTEXT) {
            throw new IllegalArgumentException("SASL needs protocol SASL_PLAINTEXT or SASL_SSL");
        }
        Map<String, String> users = new LinkedHashMap<>();
        users.put(BROKER_USER, UUID.randomUUID().toString());
        users.put(ADMIN_USER, UUID.randomUUID().toString());
        return new BrokerSecurity(protocol, users, false);
    }

    /** With one more SCRAM user. */
    public BrokerSecurity withUser(String name, String password) {
        requireSasl("users");
        Map<String, String> more = new LinkedHashMap<>(users);
        more.put(name, password);
        return new BrokerSecurity(protocol, more, acls);
    }

    /** With KRaft's {@code StandardAuthorizer}: only the super users and what ACLs allow. */
    public BrokerSecurity withAcls() {
        requireSasl("ACLs");
        return new BrokerSecurity(protocol, users, true);
    }

    private void requireSasl(String what) {
        if (protocol == Protocol.PLAINTEXT) {
            throw new IllegalStateException(what + " need SASL logins: start from BrokerSecurity.sasl(...)");
        }
    }

    public Protocol protocol() {
        return protocol;
    }

    public boolean acls() {
        return acls;
    }

    /** The password of a user this security knows. */
    public String password(String user) {
        String password = users.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no user " + user + "; the users are " + users.keySet());
        }
        return password;
    }

    private boolean sasl() {
        return protocol != Protocol.PLAINTEXT;
    }

    private boolean tls() {
        return protocol == Protocol.SASL_SSL;
    }

    /**
     * What a client needs to reach the cluster at {@code bootstrapServers} as {@code user}: the security protocol,
     * the SCRAM login and the trust store. For a cluster in the clear, the bootstrap servers alone.
     */
    public Map<String, Object> clientConfig(String bootstrapServers, String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (sasl()) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name());
            config.put(SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM);
            config.put(SaslConfigs.SASL_JAAS_CONFIG, scramLogin(user, password));
        }
        if (tls()) {
            SelfSignedCertificate certificate = SelfSignedCertificate.shared();
            config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certificate.trustStore().toString());
            config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, certificate.password());
            config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        }
        return config;
    }

    /** As the {@value #ADMIN_USER} super user. */
    public Map<String, Object> adminClientConfig(String bootstrapServers) {
        return sasl() ? clientConfig(bootstrapServers, ADMIN_USER, password(ADMIN_USER)) : clientConfig(bootstrapServers, null, null);
    }

    /** The {@code sasl.jaas.config} of a SCRAM login. */
    public static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /**
     * The broker's settings for its listeners: {@code CLIENT} for clients and between brokers, {@code CONTROLLER} for
     * the KRaft quorum (SASL PLAIN on loopback when logins are on, since the controllers cannot check SCRAM logins
     * against the metadata they are still reading).
     */
    Map<String, String> brokerProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        String controllerProtocol = sasl() ? "SASL_PLAINTEXT" : "PLAINTEXT";
        properties.put("listener.security.protocol.map", "CLIENT:" + protocol.name() + ",CONTROLLER:" + controllerProtocol);
        properties.put("inter.broker.listener.name", "CLIENT");
        if (!sasl()) {
            return properties;
        }
        String brokerPassword = password(BROKER_USER);
        properties.put("listener.name.client.sasl.enabled.mechanisms", SCRAM_MECHANISM);
        properties.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
        properties.put("listener.name.client.scram-sha-512.sasl.jaas.config", scramLogin(BROKER_USER, brokerPassword));
        properties.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        properties.put("sasl.mechanism.controller.protocol", "PLAIN");
        properties.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + BROKER_USER
                        + "\" password=\"" + brokerPassword + "\" user_" + BROKER_USER + "=\"" + brokerPassword + "\";");
        if (tls()) {
            SelfSignedCertificate certificate = SelfSignedCertificate.shared();
            properties.put("ssl.keystore.location", certificate.keyStore().toString());
            properties.put("ssl.keystore.password", certificate.password());
            properties.put("ssl.keystore.type", "PKCS12");
            properties.put("ssl.truststore.location", certificate.trustStore().toString());
            properties.put("ssl.truststore.password", certificate.password());
            properties.put("ssl.truststore.type", "PKCS12");
        }
        if (acls) {
            properties.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            properties.put("super.users", "User:" + BROKER_USER + ";User:" + ADMIN_USER);
            properties.put("allow.everyone.if.no.acl.found", "false");
        }
        return properties;
    }

    /** The {@code kafka-storage format --add-scram} arguments that create every user's SCRAM credentials. */
    List<String> scramCredentials() {
        List<String> arguments = new ArrayList<>();
        users.forEach((user, password) -> {
            arguments.add("--add-scram");
            arguments.add(SCRAM_MECHANISM + "=[name=" + user + ",password=" + password + "]");
        });
        return arguments;
    }

    @Override
    public String toString() {
        return protocol + (acls ? " with ACLs" : "") + (users.isEmpty() ? "" : ", users " + users.keySet());
    }
}
