package io.gemtrack.aggregator.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A request's query parameters, percent-decoded; a parameter given twice counts as given the first time. */
final class QueryParameters {

    private final Map<String, String> values = new HashMap<>();

    private QueryParameters() {
    }

    static QueryParameters of(URI uri) {
        QueryParameters parameters = new QueryParameters();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                String[] nameValue = parameter.split("=", 2);
                parameters.values.putIfAbsent(decode(nameValue[0]), nameValue.length == 2 ? decode(nameValue[1]) : "");
            }
        }
        return parameters;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A whole number from {@code min} to {@code max}, or {@code otherwise} when absent; 400 naming the parameter when not. */
    int number(String name, int min, int max, int otherwise) throws ApiException {
        Optional<String> text = get(name);
        if (text.isEmpty()) {
            return otherwise;
        }
        try {
            long value = Long.parseLong(text.get());
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // answered below, as a number out of range is
        }
        throw new ApiException(400, "query parameter " + name + " must be a whole number from " + min + " to " + max
                + ", was '" + text.get() + "'");
    }

    /** One of {@code choices} by name, or {@code otherwise} when absent; 400 naming the parameter and the choices when not. */
    <E extends Enum<E>> E choice(String name, Class<E> choices, E otherwise) throws ApiException {
        Optional<String> text = get(name);
        if (text.isEmpty()) {
            return otherwise;
        }
        for (E choice : choices.getEnumConstants()) {
            if (choice.name().equals(text.get())) {
                return choice;
            }
        }
        throw new ApiException(400, "unknown " + name + " '" + text.get() + "'; allowed: " + names(choices));
    }

    static <E extends Enum<E>> String names(Class<E> choices) {
        StringBuilder names = new StringBuilder();
        for (E choice : choices.getEnumConstants()) {
            names.append(names.isEmpty() ? "" : ", ").append(choice.name());
        }
        return names.toString();
    }
}
