package io.gemtrack.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka client settings of a gemtrack process, and the one place where every client's configuration is built
 * from them: gemtrack's defaults for the kind of client, then what the client is for, then the operator's settings,
 * then what gemtrack must set itself (serializers, the consumer group).
 *
 * <p>The operator's settings use Kafka's own names and come, each overriding the one before, from
 * <ol>
 *     <li>environment variables {@code GEMTRACK_KAFKA_<NAME>}: the setting's name in upper case with dots as
 *     underscores, e.g. {@code GEMTRACK_KAFKA_SECURITY_PROTOCOL=SASL_SSL} for {@code security.protocol}
 *     (every Kafka client setting's name is lower case letters, digits and dots);</li>
 *     <li>a properties file ({@code --command-config FILE}, as Kafka's own tools call it);</li>
 *     <li>single settings ({@code --kafka-property key=value}), in the order given;</li>
 *     <li>{@code --bootstrap-server}.</li>
 * </ol>
 * A setting goes to the kinds of client that know it (producer, consumer, admin), so {@code acks} reaches producers
 * only. A name none of them knows is warned about once, when the settings are built, and passed to every client,
 * since a plug-in (a login callback handler, say) may read settings of its own.
 *
 * <p>Secrets never leave in plain text: {@link #toString()} and {@link #describe()} show {@value #HIDDEN} for every
 * setting Kafka types as a password ({@code sasl.jaas.config}, {@code ssl.key.password}, ...) and for any other
 * whose name says password or secret, and {@link #redact(String)} removes their values, and the passwords inside a
 * JAAS configuration, from an error message.
 */
public final class KafkaSettings {

    /** Kafka's name for where the brokers are, the same as {@code CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG}. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092";
    public static final String ENVIRONMENT_PREFIX = "GEMTRACK_KAFKA_";
    public static final String HIDDEN = "[hidden]";

    private static final Logger log = LoggerFactory.getLogger(KafkaSettings.class);
    private static final Pattern JAAS_PASSWORD = Pattern.compile("(?i)password\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))");

    /** The kinds of Kafka client, each with the settings Kafka knows for it and gemtrack's defaults. */
    public enum Client {
        /** Every gemtrack producer writes something that must not be lost or duplicated when a send is retried. */
        PRODUCER(ProducerConfig.configDef(), Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all")),
        /** gemtrack's consumers read from the start of what they are given and never rely on committed offsets. */
        CONSUMER(ConsumerConfig.configDef(), Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
        ADMIN(AdminClientConfig.configDef(), Map.of());

        private final ConfigDef definition;
        private final Map<String, Object> defaults;

        Client(ConfigDef definition, Map<String, Object> defaults) {
            this.definition = definition;
            this.defaults = defaults;
        }

        boolean knows(String key) {
            return definition.names().contains(key);
        }

        boolean isPassword(String key) {
            ConfigDef.ConfigKey configKey = definition.configKeys().get(key);
            return configKey != null && configKey.type == ConfigDef.Type.PASSWORD;
        }

        /** gemtrack's defaults for every client of this kind. */
        public Map<String, Object> defaults() {
            return defaults;
        }
    }

    /**
     * Set by gemtrack itself whatever the operator says: the (de)serializers its code is written against, and the
     * consumer group, which {@code --group} names.
     */
    static final Set<String> SET_BY_GEMTRACK = Set.of(
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG);

    private final Map<String, Object> settings;
    private final List<String> warnings;

    private KafkaSettings(Map<String, Object> settings, List<String> warnings) {
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
        this.warnings = List.copyOf(warnings);
    }

    /** Settings given in code, e.g. by a test: the same checks and warnings as the operator's. */
    public static KafkaSettings of(Map<String, ?> settings) {
        Builder builder = builder();
        settings.forEach((key, value) -> builder.put(key, value, "the settings given"));
        return builder.build();
    }

    /** Nothing but where the brokers are: a plaintext cluster without authentication. */
    public static KafkaSettings bootstrap(String bootstrapServers) {
        return builder().bootstrapServers(bootstrapServers).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return settings.getOrDefault(BOOTSTRAP_SERVERS, DEFAULT_BOOTSTRAP_SERVERS).toString();
    }

    /** Whether any source named the brokers; without, clients go to {@value #DEFAULT_BOOTSTRAP_SERVERS}. */
    public boolean namesBootstrapServers() {
        return settings.containsKey(BOOTSTRAP_SERVERS);
    }

    /** These settings with the brokers at {@code bootstrapServers}, e.g. a broker a command has started itself. */
    public KafkaSettings withBootstrapServers(String bootstrapServers) {
        Map<String, Object> changed = new TreeMap<>(settings);
        changed.put(BOOTSTRAP_SERVERS, bootstrapServers);
        return new KafkaSettings(changed, warnings);
    }

    /** What was noticed while building: unknown names, settings gemtrack sets itself; already logged once. */
    public List<String> warnings() {
        return warnings;
    }

    /** A producer's configuration: {@code purposeDefaults} over gemtrack's producer defaults, the operator's over both. */
    public Map<String, Object> producer(Map<String, ?> purposeDefaults) {
        return forClient(Client.PRODUCER, purposeDefaults);
    }

    /** A consumer's configuration: {@code purposeDefaults} over gemtrack's consumer defaults, the operator's over both. */
    public Map<String, Object> consumer(Map<String, ?> purposeDefaults) {
        return forClient(Client.CONSUMER, purposeDefaults);
    }

    /** An admin client's configuration. */
    public Map<String, Object> admin() {
        return forClient(Client.ADMIN, Map.of());
    }

    private Map<String, Object> forClient(Client client, Map<String, ?> purposeDefaults) {
        Map<String, Object> config = new HashMap<>(client.defaults());
        config.putAll(purposeDefaults);
        config.put(BOOTSTRAP_SERVERS, bootstrapServers());
        settings.forEach((key, value) -> {
            if (client.knows(key) || !isKnown(key)) {
                config.put(key, value);
            }
        });
        return config;
    }

    /**
     * The settings as {@code key=value} lines for a log or a report, secrets shown as {@value #HIDDEN}; the bootstrap
     * servers always, even when they are the default.
     */
    public List<String> describe() {
        Map<String, Object> shown = new TreeMap<>(settings);
        shown.put(BOOTSTRAP_SERVERS, bootstrapServers());
        return shown.entrySet().stream()
                .map(setting -> setting.getKey() + "=" + (isSecret(setting.getKey()) ? HIDDEN : setting.getValue()))
                .toList();
    }

    /** {@code text} with every secret of these settings replaced by {@value #HIDDEN}: for error messages. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String redacted = text;
        for (String secret : secrets()) {
            redacted = redacted.replace(secret, HIDDEN);
        }
        return redacted;
    }

    /** The secret values, longest first, so that a password inside a JAAS configuration goes after the whole of it. */
    private List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        settings.forEach((key, value) -> {
            if (isSecret(key) && value != null && !value.toString().isEmpty()) {
                String text = value.toString();
                secrets.add(text);
                Matcher password = JAAS_PASSWORD.matcher(text);
                while (password.find()) {
                    String found = password.group(1) != null ? password.group(1) : password.group(2);
                    if (!found.isEmpty()) {
                        secrets.add(found);
                    }
                }
            }
        });
        secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
        return secrets;
    }

    /** Whether a setting's value must never be shown: a password to Kafka, or by its name. */
    static boolean isSecret(String key) {
        if (key.equals(SaslConfigs.SASL_JAAS_CONFIG)) {
            return true;
        }
        for (Client client : Client.values()) {
            if (client.isPassword(key)) {
                return true;
            }
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret");
    }

    static boolean isKnown(String key) {
        for (Client client : Client.values()) {
            if (client.knows(key)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "KafkaSettings" + describe();
    }

    /** Collects the operator's settings; each call overrides what earlier ones set for the same name. */
    public static final class Builder {

        private final Map<String, Object> settings = new LinkedHashMap<>();
        private final Map<String, String> sources = new HashMap<>();

        private Builder() {
        }

        /** The {@code GEMTRACK_KAFKA_*} variables of {@code environment}, e.g. {@code System.getenv()}. */
        public Builder environment(Map<String, String> environment) {
            new TreeMap<>(environment).forEach((name, value) -> {
                if (name.startsWith(ENVIRONMENT_PREFIX) && name.length() > ENVIRONMENT_PREFIX.length()) {
                    String key = name.substring(ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                    put(key, value, "environment variable " + name);
                }
            });
            return this;
        }

        /**
         * The settings of a properties file, as Kafka's tools read {@code --command-config}.
         *
         * @throws IllegalArgumentException if it cannot be read, naming the file
         */
        public Builder commandConfig(Path file) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the Kafka client settings file " + file + ": " + e, e);
            } catch (IllegalArgumentException e) {
                // Properties reports a bad \\u escape with the text around it, which may be a password.
                throw new IllegalArgumentException("the Kafka client settings file " + file + " is not a properties file:"
                        + " it has a malformed \\u escape", e);
            }
            new TreeMap<>(properties).forEach((key, value) -> put(key.toString(), value, file.toString()));
            return this;
        }

        /**
         * One {@code key=value} setting; the value may contain {@code =}.
         *
         * @throws IllegalArgumentException if there is no {@code =} or no key; the message never repeats the value
         */
        public Builder property(String keyAndValue) {
            int equals = keyAndValue.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("a Kafka client setting must be key=value, as in acks=all; this one has "
                        + (equals < 0 ? "no '='" : "no key before its '='"));
            }
            put(keyAndValue.substring(0, equals).trim(), keyAndValue.substring(equals + 1), "--kafka-property");
            return this;
        }

        /** Where the brokers are; {@code null} leaves {@code bootstrap.servers} to the other sources. */
        public Builder bootstrapServers(String bootstrapServers) {
            if (bootstrapServers != null) {
                put(BOOTSTRAP_SERVERS, bootstrapServers, "--bootstrap-server");
            }
            return this;
        }

        Builder put(String key, Object value, String source) {
            settings.put(key, value);
            sources.put(key, source);
            return this;
        }

        /** The settings; unknown names and settings gemtrack sets itself are logged once, here, as warnings. */
        public KafkaSettings build() {
            List<String> warnings = new ArrayList<>();
            Map<String, Object> kept = new LinkedHashMap<>();
            settings.forEach((key, value) -> {
                if (SET_BY_GEMTRACK.contains(key)) {
                    warnings.add("Kafka client setting " + key + " (from " + sources.get(key) + ") is ignored: gemtrack"
                            + " sets it itself" + (key.equals(ConsumerConfig.GROUP_ID_CONFIG) ? " from --group" : ""));
                } else {
                    if (!isKnown(key)) {
                        warnings.add("Kafka client setting " + key + " (from " + sources.get(key) + ") is unknown to Kafka's"
                                + " producer, consumer and admin client; passed on to them for plug-ins that may read it");
                    }
                    kept.put(key, value);
                }
            });
            warnings.forEach(log::warn);
            return new KafkaSettings(kept, warnings);
        }
    }
}
