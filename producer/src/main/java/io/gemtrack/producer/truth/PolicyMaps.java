package io.gemtrack.producer.truth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Maps keyed by policy name, always in the policies' order, so that dumps read alike and compare as text. */
final class PolicyMaps {

    private PolicyMaps() {
    }

    static <T> Map<String, T> of(Function<AccountingPolicy, T> figure) {
        Map<String, T> byName = new LinkedHashMap<>();
        AccountingPolicy.ALL.forEach(policy -> byName.put(policy.name(), figure.apply(policy)));
        return Collections.unmodifiableMap(byName);
    }

    /** An unmodifiable copy that keeps the policies' order. */
    static <T> Map<String, T> copy(Map<String, T> byName) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }
}
