package io.gemtrack.aggregator.http;

import java.util.List;

/**
 * Which part of a list an answer holds: the entries from position {@code offset} on, at most {@code limit} of them,
 * in {@code sort}'s order. Lists are paged so that what one answer costs, to build under the fleet's lock and to
 * send, does not grow with the host: a page is at most {@value #MAX_LIMIT} entries, {@value #DEFAULT_LIMIT} unless
 * asked otherwise, and every list answer says how many entries the whole list has ({@code total}).
 */
record ListPage<S extends Enum<S>>(S sort, int offset, int limit) {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** The {@code sort}, {@code offset} and {@code limit} query parameters; 400 naming the one that is wrong. */
    static <S extends Enum<S>> ListPage<S> of(QueryParameters query, Class<S> sorts, S defaultSort) throws ApiException {
        return new ListPage<>(query.choice("sort", sorts, defaultSort), query.number("offset", 0, Integer.MAX_VALUE, 0),
                query.number("limit", 1, MAX_LIMIT, DEFAULT_LIMIT));
    }

    /** This page of a whole list already in {@code sort}'s order. */
    <T> List<T> of(List<T> all) {
        int from = Math.min(offset, all.size());
        return all.subList(from, (int) Math.min(all.size(), (long) from + limit));
    }
}
