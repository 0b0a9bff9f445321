package io.gemtrack.events;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields added to event types after their schema version was released: a record written before one existed
 * has no such field, and reads as if it had the field's default. Each is marked {@link AddedField} with the key
 * of its default here, which the codec's readers inject where the field is missing; every other field stays
 * required.
 */
final class AddedFields {

    /** {@code ProcessFork.cgroup}: empty, the parent's cgroup, where fork puts a child. */
    static final String FORK_CGROUP = "ProcessFork.cgroup";
    /** {@code processes.cgroup} of a snapshot: the root, where every process of a host without cgroups is. */
    static final String SNAPSHOT_PROCESS_CGROUP = "SnapshotProcess.cgroup";
    /** {@code cgroups} of a snapshot: none sampled. */
    static final String SNAPSHOT_CGROUPS = "HostSnapshot.cgroups";

    private static final Map<String, Object> DEFAULTS = Map.of(
            FORK_CGROUP, EventBody.PARENT_CGROUP,
            SNAPSHOT_PROCESS_CGROUP, EventBody.ROOT_CGROUP,
            SNAPSHOT_CGROUPS, List.of());

    /**
     * The keys of a record's added fields by component name, read from its canonical constructor's parameters once per
     * record: reading them is slow (tens of microseconds), and a decoder asks for every component of every record.
     */
    private static final ClassValue<Map<String, String>> KEYS = new ClassValue<>() {
        @Override
        protected Map<String, String> computeValue(Class<?> record) {
            RecordComponent[] components = record.getRecordComponents();
            Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            Parameter[] parameters;
            try {
                parameters = record.getDeclaredConstructor(types).getParameters();
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("a record without its canonical constructor: " + record, e);
            }
            Map<String, String> keys = new HashMap<>();
            for (int i = 0; i < components.length; i++) {
                AddedField added = parameters[i].getAnnotation(AddedField.class);
                if (added != null) {
                    keys.put(components[i].getName(), added.value());
                }
            }
            return Map.copyOf(keys);
        }
    };

    private AddedFields() {
    }

    /** Jackson's annotations, and an {@link AddedField} read as the injection of its default. */
    static JacksonAnnotationIntrospector introspector() {
        return new JacksonAnnotationIntrospector() {
            @Override
            public JacksonInject.Value findInjectableValue(AnnotatedMember member) {
                AddedField added = member.getAnnotation(AddedField.class);
                return added != null ? JacksonInject.Value.construct(added.value(), Boolean.TRUE) : super.findInjectableValue(member);
            }
        };
    }

    /** The key of the default of {@code component}, an {@link AddedField}; {@code null} for a field every record has. */
    static String key(RecordComponent component) {
        return KEYS.get(component.getDeclaringRecord()).get(component.getName());
    }

    /** The defaults, by key, for a reader's injectable values. */
    static InjectableValues defaults() {
        InjectableValues.Std values = new InjectableValues.Std();
        DEFAULTS.forEach(values::addValue);
        return values;
    }

    /** The default of the field marked with {@code key}. */
    static Object defaultOf(String key) {
        Object value = DEFAULTS.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no added field " + key);
        }
        return value;
    }
}
