package io.gemtrack.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
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
import java.util.stream.Collectors;

/**
 * Reads and writes events as flat JSON objects: the envelope fields ({@code schema}, {@code type},
 * {@code host}, {@code bootId}, {@code seq}, {@code ts}) followed by the fields of the body.
 *
 * <p>Reading is strict: every field is required but those added after their schema was released
 * ({@link AddedField}), which a record may leave out for their default; nothing is coerced (no {@code "5"} for
 * {@code 5}, no {@code 1.5} for an integer), unknown fields and duplicate keys are errors, and so is a value beyond
 * the schema's {@link Bounds}. Each failure is a {@link MalformedEventException} naming the field, so no bad
 * record is half-read or silently defaulted.
 * Instances are thread-safe.
 */
public final class EventCodec {

    private static final List<String> ENVELOPE = List.of("schema", "type", "host", "bootId", "seq", "ts");
    private static final SerializedString SCHEMA = new SerializedString("schema");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString HOST = new SerializedString("host");
    private static final SerializedString BOOT_ID = new SerializedString("bootId");
    private static final SerializedString SEQ = new SerializedString("seq");
    private static final SerializedString TS = new SerializedString("ts");


    /** Reads without Jackson's duplicate-key check, which flat bodies read in their fixed order do not need. */
    private final ObjectMapper mapper = strictReading(JsonMapper.builder()).build();
    /** Reads with every check, duplicate keys included: for the bodies with nested objects and for explaining errors. */
    private final ObjectMapper strictMapper = strictReading(JsonMapper.builder())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static JsonMapper.Builder strictReading(JsonMapper.Builder builder) {
        return builder
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                    DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .annotationIntrospector(AddedFields.introspector())
            .injectableValues(AddedFields.defaults())
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    private final ObjectWriter writer = mapper.writerFor(Wire.class);
    private final Map<String, BodyType> bodyTypes = EventBody.TYPES.stream()
            .collect(Collectors.toUnmodifiableMap(EventBody::typeName, type -> BodyType.of(type, mapper.readerFor(type))));

    /** Thrown by the fast path at the first surprise; the slow path then finds and names the error. */
    static final RuntimeException NOT_VALID = new RuntimeException("not a valid event", null, false, false) { };

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
     * The fast path, for records laid out as {@link #encode} writes them: the envelope fields in their order, read off
     * the token stream by matching pre-encoded names, then the body, in one pass of the same parser. Flat bodies are
     * read by their {@link FlatBodyReader}, whose fixed order leaves no room for a duplicate key, so their parser
     * does without Jackson's duplicate detection (a hash set per record); bodies with nested objects are rare and are
     * bound by Jackson from a parser with the check. Throws on anything unexpected, without saying why.
     */
    private Event decodeValid(byte[] bytes) throws IOException {
        BodyType type;
        try (JsonParser parser = mapper.createParser(bytes)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT);
            expect(parser.nextFieldName(SCHEMA) && integral(parser) == Event.SCHEMA_VERSION);
            expect(parser.nextFieldName(TYPE));
            type = bodyTypes.get(text(parser));
            expect(type != null);
            if (type.flatReader() != null) {
                return readEnvelopeThenBody(parser, type);
            }
        }
        try (JsonParser parser = strictMapper.createParser(bytes)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT);
            expect(parser.nextFieldName(SCHEMA) && integral(parser) == Event.SCHEMA_VERSION);
            expect(parser.nextFieldName(TYPE) && type.equals(bodyTypes.get(text(parser))));
            return readEnvelopeThenBody(parser, type);
        }
    }

    /** The rest of the event from the parser standing on its {@code type}, to the end of the record. */
    private static Event readEnvelopeThenBody(JsonParser parser, BodyType type) throws IOException {
        expect(parser.nextFieldName(HOST));
        String host = text(parser);
        expect(parser.nextFieldName(BOOT_ID));
        String bootId = text(parser);
        expect(parser.nextFieldName(SEQ));
        long seq = integral(parser);
        expect(parser.nextFieldName(TS));
        long ts = integral(parser);
        EventBody body;
        if (type.flatReader() != null) {
            body = type.flatReader().read(parser);
        } else {
            expect(parser.nextToken() == JsonToken.FIELD_NAME);
            // Binding ends on the body's closing brace, which is the event's.
            body = type.reader().readValue(parser);
        }
        expect(parser.nextToken() == null);
        return new Event(host, bootId, seq, ts, body);
    }

    /**
     * An event body type, with what the fast path needs to know of it: the reader of a flat body, {@code null} for
     * one with nested objects, which Jackson binds.
     */
    private record BodyType(Class<? extends EventBody> type, ObjectReader reader, FlatBodyReader flatReader) {

        static BodyType of(Class<? extends EventBody> type, ObjectReader reader) {
            return new BodyType(type, reader, FlatBodyReader.of(type));
        }
    }

    /** An envelope integer. */
    private static long integral(JsonParser parser) throws IOException {
        expect(parser.nextToken() == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER);
        return parser.getLongValue();
    }

    /** An envelope string. */
    private static String text(JsonParser parser) throws IOException {
        expect(parser.nextToken() == JsonToken.VALUE_STRING);
        return parser.getText();
    }

    static void expect(boolean condition) {
        if (!condition) {
            throw NOT_VALID;
        }
    }

    private Event decodeExplainingErrors(byte[] bytes) throws MalformedEventException {
        JsonNode root;
        try {
            root = strictMapper.readTree(bytes);
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
        BodyType bodyType = bodyTypes.get(typeName);
        if (bodyType == null) {
            throw new MalformedEventException(Kind.UNKNOWN_TYPE, "type",
                    "names no event type: '" + typeName + "'; known types: " + bodyTypes.keySet().stream().sorted().toList());
        }
        Class<? extends EventBody> type = bodyType.type();
        String host = text(node, "host");
        String bootId = text(node, "bootId");
        long seq = integral(node, "seq");
        long ts = integral(node, "ts");
        node.remove(ENVELOPE);
        requireComponents(node, type, "");
        try {
            return new Event(host, bootId, seq, ts, strictMapper.treeToValue(node, type));
        } catch (InvalidEventException e) {
            throw malformed(e);
        } catch (JacksonException e) {
            throw translate(e, node);
        }
    }

    /** Jackson's own messages name its classes and features; a dead letter should speak of the record instead. */
    private static MalformedEventException translate(JacksonException e, JsonNode body) {
        if (e instanceof ValueInstantiationException && e.getCause() instanceof InvalidEventException invalid) {
            return malformed(invalid);
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

    private static MalformedEventException malformed(InvalidEventException invalid) {
        return new MalformedEventException(invalid.outOfBounds() ? Kind.OUT_OF_BOUNDS : Kind.INVALID_VALUE, invalid.field(),
                invalid.reason());
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
            boolean added = AddedFields.key(component) != null;
            if (value == null && added) {
                continue;
            }
            if (value == null || value.isNull()) {
                throw new MalformedEventException(Kind.MISSING_FIELD, field,
                        added ? "must be left out rather than null" : "is required");
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
