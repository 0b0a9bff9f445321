package io.gemtrack.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.gemtrack.events.MalformedEventException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads and writes events as flat JSON objects: the envelope fields ({@code schema}, {@code type},
 * {@code host}, {@code bootId}, {@code seq}, {@code ts}) followed by the fields of the body.
 *
 * <p>Reading is strict: every field is required, nothing is coerced (no {@code "5"} for {@code 5}, no
 * {@code 1.5} for an integer), unknown fields and duplicate keys are errors. Each failure is a
 * {@link MalformedEventException} naming the field, so no bad record is half-read or silently defaulted.
 * Instances are thread-safe.
 */
public final class EventCodec {

    private static final List<String> ENVELOPE = List.of("schema", "type", "host", "bootId", "seq", "ts");

    private static final Map<String, Class<? extends EventBody>> TYPES_BY_NAME = EventBody.TYPES.stream()
            .collect(Collectors.toUnmodifiableMap(EventBody::typeName, Function.identity()));

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    private final ObjectWriter writer = mapper.writerFor(Wire.class);
    private final Map<Class<? extends EventBody>, ObjectReader> readers = EventBody.TYPES.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), mapper::readerFor));

    /** Thrown by the fast path at the first surprise; the slow path then finds and names the error. */
    private static final RuntimeException NOT_VALID = new RuntimeException("not a valid event", null, false, false) { };

    public byte[] encode(Event event) {
        try {
            return writer.writeValueAsBytes(new Wire(Event.SCHEMA_VERSION, event.type(), event.host(), event.bootId(),
                    event.seq(), event.ts(), event.body()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + event.type(), e);
        }
    }

    /**
     * An event as written: the envelope, then the body's fields at the same level. Serialising this record with
     * a cached writer streams straight to bytes, where building a tree per event would cost twice as much.
     */
    @JsonPropertyOrder({"schema", "type", "host", "bootId", "seq", "ts"})
    private record Wire(int schema, String type, String host, String bootId, long seq, long ts,
                        @JsonUnwrapped EventBody body) {
    }

    public String encodeToString(Event event) {
        return new String(encode(event), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Reads one event. Valid records take a single streaming pass; a record that pass cannot read is read again
     * through a JSON tree, whose only job is to say precisely what is wrong with it.
     */
    public Event decode(byte[] bytes) throws MalformedEventException {
        try {
            return decodeValid(bytes);
        } catch (IOException | RuntimeException notValid) {
            return decodeExplainingErrors(bytes);
        }
    }

    /**
     * The fast path: envelope fields are read off the token stream as they come, the body's tokens are buffered
     * and bound to the record type named by {@code type}. Throws on anything unexpected, without saying why.
     */
    private Event decodeValid(byte[] bytes) throws IOException {
        try (JsonParser parser = mapper.createParser(bytes)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT);
            TokenBuffer body = new TokenBuffer(parser);
            body.writeStartObject();
            String typeName = null;
            String host = null;
            String bootId = null;
            long schema = -1;
            long seq = -1;
            long ts = -1;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "schema" -> schema = integral(parser, value);
                    case "type" -> typeName = text(parser, value);
                    case "host" -> host = text(parser, value);
                    case "bootId" -> bootId = text(parser, value);
                    case "seq" -> seq = integral(parser, value);
                    case "ts" -> ts = integral(parser, value);
                    default -> {
                        body.writeFieldName(field);
                        body.copyCurrentStructure(parser);
                    }
                }
            }
            expect(parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null);
            expect(schema == Event.SCHEMA_VERSION && seq >= 0 && ts >= 0 && host != null && bootId != null);
            Class<? extends EventBody> type = TYPES_BY_NAME.get(typeName);
            expect(type != null);
            body.writeEndObject();
            try (JsonParser bodyParser = body.asParser()) {
                return new Event(host, bootId, seq, ts, readers.get(type).readValue(bodyParser));
            }
        }
    }

    private static long integral(JsonParser parser, JsonToken value) throws IOException {
        expect(value == JsonToken.VALUE_NUMBER_INT);
        return parser.getLongValue();
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
        expect(value == JsonToken.VALUE_STRING);
        return parser.getText();
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw NOT_VALID;
        }
    }

    private Event decodeExplainingErrors(byte[] bytes) throws MalformedEventException {
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (MismatchedInputException e) {
            // The only mapping rule that applies to a bare tree: FAIL_ON_TRAILING_TOKENS.
            throw new MalformedEventException(Kind.NOT_JSON, null, "has more data after the JSON object");
        } catch (IOException e) {
            throw new MalformedEventException(Kind.NOT_JSON, null, originalMessage(e));
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEventException(Kind.NOT_AN_OBJECT, null,
                    "expected a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
        }
        ObjectNode node = (ObjectNode) root;
        long schema = integral(node, "schema");
        if (schema != Event.SCHEMA_VERSION) {
            throw new MalformedEventException(Kind.UNSUPPORTED_SCHEMA, "schema",
                    "is version " + schema + ", this reader supports only " + Event.SCHEMA_VERSION);
        }
        String typeName = text(node, "type");
        Class<? extends EventBody> type = TYPES_BY_NAME.get(typeName);
        if (type == null) {
            throw new MalformedEventException(Kind.UNKNOWN_TYPE, "type",
                    "names no event type: '" + typeName + "'; known types: " + TYPES_BY_NAME.keySet().stream().sorted().toList());
        }
        String host = text(node, "host");
        String bootId = text(node, "bootId");
        long seq = integral(node, "seq");
        long ts = integral(node, "ts");
        node.remove(ENVELOPE);
        requireComponents(node, type, "");
        try {
            return new Event(host, bootId, seq, ts, mapper.treeToValue(node, type));
        } catch (InvalidEventException e) {
            throw new MalformedEventException(Kind.INVALID_VALUE, e.field(), e.reason());
        } catch (JacksonException e) {
            throw translate(e, node);
        }
    }

    /** Jackson's own messages name its classes and features; a dead letter should speak of the record instead. */
    private static MalformedEventException translate(JacksonException e, JsonNode body) {
        if (e instanceof ValueInstantiationException && e.getCause() instanceof InvalidEventException invalid) {
            return new MalformedEventException(Kind.INVALID_VALUE, invalid.field(), invalid.reason());
        }
        String path = e instanceof JsonMappingException mapping ? path(mapping.getPath()) : null;
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new MalformedEventException(Kind.UNKNOWN_FIELD, path,
                    "is not a field of this type; known fields: " + unknown.getKnownPropertyIds());
        }
        if (e instanceof InvalidFormatException format && format.getTargetType().isEnum()) {
            return new MalformedEventException(Kind.INVALID_VALUE, path, "must be one of "
                    + Arrays.toString(format.getTargetType().getEnumConstants()) + ", was " + format.getValue());
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new MalformedEventException(Kind.WRONG_TYPE, path, "must be " + describe(mismatch.getTargetType())
                    + ", was " + valueAt(body, mismatch.getPath()));
        }
        return new MalformedEventException(Kind.WRONG_TYPE, path, originalMessage(e));
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return "an integer in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]";
        }
        if (type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static JsonNode valueAt(JsonNode body, List<JsonMappingException.Reference> path) {
        JsonNode value = body;
        for (JsonMappingException.Reference reference : path) {
            value = reference.getFieldName() != null ? value.path(reference.getFieldName()) : value.path(reference.getIndex());
        }
        return value;
    }

    /** Jackson fills absent primitives with defaults unless told otherwise per field; checking presence first is simpler. */
    private static void requireComponents(JsonNode node, Class<?> recordType, String prefix)
            throws MalformedEventException {
        for (RecordComponent component : recordType.getRecordComponents()) {
            String field = prefix + component.getName();
            JsonNode value = node.get(component.getName());
            if (value == null || value.isNull()) {
                throw new MalformedEventException(Kind.MISSING_FIELD, field, "is required");
            }
            Class<?> nested = nestedRecord(component);
            if (nested != null && value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    if (value.get(i).isObject()) {
                        requireComponents(value.get(i), nested, field + "[" + i + "].");
                    }
                }
            } else if (nested != null && value.isObject()) {
                requireComponents(value, nested, field + ".");
            }
        }
    }

    private static Class<?> nestedRecord(RecordComponent component) {
        if (component.getType().isRecord()) {
            return component.getType();
        }
        Type generic = component.getGenericType();
        if (generic instanceof ParameterizedType list && list.getActualTypeArguments()[0] instanceof Class<?> item
                && item.isRecord()) {
            return item;
        }
        return null;
    }

    private static long integral(ObjectNode node, String field) throws MalformedEventException {
        JsonNode value = present(node, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new MalformedEventException(Kind.WRONG_TYPE, field, "must be an integer, was " + value);
        }
        return value.longValue();
    }

    private static String text(ObjectNode node, String field) throws MalformedEventException {
        JsonNode value = present(node, field);
        if (!value.isTextual()) {
            throw new MalformedEventException(Kind.WRONG_TYPE, field, "must be a string, was " + value);
        }
        return value.textValue();
    }

    private static JsonNode present(ObjectNode node, String field) throws MalformedEventException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new MalformedEventException(Kind.MISSING_FIELD, field, "is required");
        }
        return value;
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? null : path.toString();
    }

    private static String originalMessage(JacksonException e) {
        return e.getOriginalMessage().replaceAll("\\s+", " ");
    }

    private static String originalMessage(IOException e) {
        return e instanceof JacksonException jackson ? originalMessage(jackson) : e.getMessage();
    }
}
