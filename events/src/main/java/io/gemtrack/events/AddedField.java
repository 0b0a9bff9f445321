package io.gemtrack.events;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component added after its type's schema version was released: a record without the field reads
 * as if it had the default {@link AddedFields} keeps under {@link #value}. Only on the canonical constructor's
 * parameter, where the codec's readers inject the default, so that nothing tries to set the record's final field.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@interface AddedField {

    /** The key of the field's default in {@link AddedFields}. */
    String value();
}
