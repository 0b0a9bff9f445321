package io.gemtrack.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
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
import java.lang.reflect.Method;
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
 * <p>Reading is strict: every field is required, nothing is coerced (no {@code "5"} for {@code 5}, no
 * {@code 1.5} for an integer), unknown fields and duplicate keys are errors, and so is a value beyond the
 * schema's {@link Bounds}. Each failure is a {@link MalformedEventException} naming the field, so no bad
 * record is half-read or silently defaulted.
 * Instances are thread-safe.
 */
public final class EventCodec {

    private static final List<String> ENVELOPE = List.of("schema", "type", "host", "bootId", "seq", "ts");


    /** Reads without Jackson's duplicate-key check, which {@link #decodeValid} does more cheaply for flat bodies. */
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
            return decodeValid(bytes, false);
        } catch (IOException | RuntimeException notValid) {
            return decodeExplainingErrors(bytes);
        }
    }

    /**
     * The fast path, for records laid out as {@link #encode} writes them: the envelope fields come first and are
     * read off the token stream, then the body is bound straight from the same parser to the record type named by
     * {@code type}. Throws on anything unexpected, without saying why.
     *
     * <p>Duplicate keys are the one error binding would let through (the last value wins), and Jackson's own
     * duplicate detection costs a hash set per record. So flat bodies are parsed without it and their fields
     * counted instead: binding already fails on a missing or unknown field, so one field more than the record
     * has components is a duplicate. Bodies with nested objects are rare and are parsed with Jackson's check.
     */
    private Event decodeValid(byte[] bytes, boolean checkDuplicates) throws IOException {
        try (JsonParser parser = (checkDuplicates ? strictMapper : mapper).createParser(bytes)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT);
            String typeName = null;
            String host = null;
            String bootId = null;
            long schema = -1;
            long seq = -1;
            long ts = -1;
            int envelopeFieldsSeen = 0;
            while (envelopeFieldsSeen < ENVELOPE.size()) {
                expect(parser.nextToken() == JsonToken.FIELD_NAME);
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "schema" -> schema = integral(parser, value, schema);
                    case "type" -> typeName = text(parser, value, typeName);
                    case "host" -> host = text(parser, value, host);
                    case "bootId" -> bootId = text(parser, value, bootId);
                    case "seq" -> seq = integral(parser, value, seq);
                    case "ts" -> ts = integral(parser, value, ts);
                    default -> throw NOT_VALID;
                }
                envelopeFieldsSeen++;
            }
            // Every envelope field was read exactly once, and integral() took only non-negative numbers.
            expect(schema == Event.SCHEMA_VERSION);
            BodyType type = bodyTypes.get(typeName);
            expect(type != null);
            if (!type.flat() && !checkDuplicates) {
                return decodeValid(bytes, true);
            }
            expect(parser.nextToken() == JsonToken.FIELD_NAME);
            EventBody body;
            if (checkDuplicates) {
                body = type.reader().readValue(parser);
            } else {
                TopLevelFieldCounter counted = new TopLevelFieldCounter(parser);
                body = type.reader().readValue(counted);
                expect(counted.fields == type.fieldsWritten(body));
            }
            // Binding ends on the body's closing brace, which is the event's (and clears it): only the end may follow.
            expect(parser.nextToken() == null);
            return new Event(host, bootId, seq, ts, body);
        }
    }

    /**
     * An event body type, with what the fast path needs to know of it: flat bodies have no nested objects, and
     * {@code added} are its components that a record may leave out ({@link AddedFields}), each with its default.
     * All of it is looked up once: reflection on records and their annotations costs tens of microseconds a call.
     */
    private record BodyType(Class<? extends EventBody> type, ObjectReader reader, int fields, boolean flat,
                            List<AddedComponent> added) {

        static BodyType of(Class<? extends EventBody> type, ObjectReader reader) {
            RecordComponent[] components = type.getRecordComponents();
            boolean flat = Arrays.stream(components).allMatch(component -> nestedRecord(component) == null);
            return new BodyType(type, reader, components.length, flat,
                    Arrays.stream(components).filter(component -> addedFieldKey(component) != null)
                            .map(component -> new AddedComponent(component.getAccessor(),
                                    AddedFields.defaultOf(addedFieldKey(component))))
                            .toList());
        }

        /**
         * The fields a record that decoded as {@code body} had, if it had no duplicate: an added field with its default
         * value is taken to have been left out (one written out with that value makes the fast path give up, and the
         * slow path reads it).
         */
        int fieldsWritten(EventBody body) {
            int written = fields;
            for (AddedComponent component : added) {
                if (component.isDefaultIn(body)) {
                    written--;
                }
            }
            return written;
        }
    }

    /** A component of an event body that a record may leave out, read through its accessor, and its default. */
    private record AddedComponent(Method accessor, Object defaultValue) {

        boolean isDefaultIn(EventBody body) {
            try {
                return defaultValue.equals(accessor.invoke(body));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + accessor, e);
            }
        }
    }

    /** The key of the default of an added field ({@link AddedFields}); {@code null} for a field every record has. */
    private static String addedFieldKey(RecordComponent component) {
        return AddedFields.key(component);
    }

    /**
     * Counts the field names of the object being bound at its own level (not inside nested values). It starts on
     * the body's first field name, one level inside the event object, which it counts.
     */
    private static final class TopLevelFieldCounter extends JsonParserDelegate {
        private int depth;
        private int fields = 1;

        TopLevelFieldCounter(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                depth++;
            } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                depth--;
            } else if (token == JsonToken.FIELD_NAME && depth == 0) {
                fields++;
            }
            return token;
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken token = nextToken();
            return token == JsonToken.FIELD_NAME ? nextToken() : token;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            if (delegate.currentToken() == JsonToken.START_OBJECT || delegate.currentToken() == JsonToken.START_ARRAY) {
                delegate.skipChildren();
                depth--;
            }
            return this;
        }
    }

    /** An envelope integer, given its value so far: -1 until read, so a second occurrence is a duplicate key. */
    private static long integral(JsonParser parser, JsonToken value, long soFar) throws IOException {
        expect(value == JsonToken.VALUE_NUMBER_INT && soFar == -1);
        long read = parser.getLongValue();
        expect(read >= 0);
        return read;
    }

    /** An envelope string, given its value so far: null until read, so a second occurrence is a duplicate key. */
    private static String text(JsonParser parser, JsonToken value, String soFar) throws IOException {
        expect(value == JsonToken.VALUE_STRING && soFar == null);
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
            boolean added = addedFieldKey(component) != null;
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
