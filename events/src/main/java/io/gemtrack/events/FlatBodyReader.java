package io.gemtrack.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the body of a flat event type (one whose fields are numbers, strings, booleans and enums) off Jackson's token
 * stream, for records laid out as the codec writes them: the record's components in their declared order, each
 * once, an {@link AddedField} possibly left out. Field names are matched against pre-encoded names and the canonical
 * constructor is called directly, which is what makes it cheaper than binding through a mapper.
 *
 * <p>It accepts less than strict binding does, never more: a field in another order, an int written as a
 * long, a {@code null} or anything else unexpected makes {@link #read} throw {@link EventCodec#NOT_VALID}
 * without saying why, and the codec's slow path then reads the record with every check and names the error.
 * What it does accept it gives to the same constructor, whose checks run as ever.
 */
final class FlatBodyReader {

    private final Field[] fields;
    private final MethodHandle constructor;

    private FlatBodyReader(Field[] fields, MethodHandle constructor) {
        this.fields = fields;
        this.constructor = constructor;
    }

    /** The reader of {@code type}, or {@code null} if it has a field of a kind this reader does not read. */
    static FlatBodyReader of(Class<? extends EventBody> type) {
        RecordComponent[] components = type.getRecordComponents();
        Field[] fields = new Field[components.length];
        for (int i = 0; i < components.length; i++) {
            Kind kind = Kind.of(components[i].getType());
            if (kind == null) {
                return null;
            }
            String added = AddedFields.key(components[i]);
            fields[i] = new Field(new SerializedString(components[i].getName()), kind, enumConstants(components[i].getType()),
                    added == null ? null : AddedFields.defaultOf(added));
        }
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            MethodHandle canonical = MethodHandles.lookup().unreflectConstructor(type.getDeclaredConstructor(types));
            return new FlatBodyReader(fields, canonical.asSpreader(Object[].class, fields.length)
                    .asType(MethodType.methodType(EventBody.class, Object[].class)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the canonical constructor of " + type, e);
        }
    }

    /**
     * Reads the body from the parser standing on the event's last envelope value, up to and including the event's
     * closing brace.
     */
    EventBody read(JsonParser parser) throws IOException {
        Object[] values = new Object[fields.length];
        // A token read while looking for an added field that the record left out: the next field's name, or the end.
        JsonToken unread = null;
        for (int i = 0; i < fields.length; i++) {
            Field field = fields[i];
            boolean present;
            if (unread == null) {
                present = parser.nextFieldName(field.name());
                if (!present) {
                    unread = parser.currentToken();
                }
            } else {
                present = unread == JsonToken.FIELD_NAME && parser.currentName().equals(field.name().getValue());
                if (present) {
                    unread = null;
                }
            }
            if (present) {
                values[i] = field.read(parser);
            } else {
                EventCodec.expect(field.defaultValue() != null);
                values[i] = field.defaultValue();
            }
        }
        EventCodec.expect((unread != null ? unread : parser.nextToken()) == JsonToken.END_OBJECT);
        try {
            return (EventBody) constructor.invokeExact(values);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("a record's constructor threw a checked exception", e);
        }
    }

    private static Map<String, Object> enumConstants(Class<?> type) {
        return type.isEnum()
                ? Arrays.stream(type.getEnumConstants()).collect(Collectors.toUnmodifiableMap(
                        constant -> ((Enum<?>) constant).name(), Function.identity()))
                : Map.of();
    }

    /** A field of the body: its name pre-encoded, its kind, an enum's constants by name, an added field's default. */
    private record Field(SerializedString name, Kind kind, Map<String, Object> constants, Object defaultValue) {

        Object read(JsonParser parser) throws IOException {
            JsonToken token = parser.nextToken();
            return switch (kind) {
                case INT -> {
                    EventCodec.expect(token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == NumberType.INT);
                    yield parser.getIntValue();
                }
                case LONG -> {
                    EventCodec.expect(token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != NumberType.BIG_INTEGER);
                    yield parser.getLongValue();
                }
                case BOOLEAN -> {
                    EventCodec.expect(token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE);
                    yield token == JsonToken.VALUE_TRUE;
                }
                case STRING -> {
                    EventCodec.expect(token == JsonToken.VALUE_STRING);
                    yield parser.getText();
                }
                case ENUM -> {
                    EventCodec.expect(token == JsonToken.VALUE_STRING);
                    Object constant = constants.get(parser.getText());
                    EventCodec.expect(constant != null);
                    yield constant;
                }
            };
        }
    }

    /** The kinds of field this reader reads: a JSON number, boolean or string each. */
    private enum Kind {
        INT, LONG, BOOLEAN, STRING, ENUM;

        static Kind of(Class<?> type) {
            if (type == int.class) {
                return INT;
            }
            if (type == long.class) {
                return LONG;
            }
            if (type == boolean.class) {
                return BOOLEAN;
            }
            if (type == String.class) {
                return STRING;
            }
            return type.isEnum() ? ENUM : null;
        }
    }
}
