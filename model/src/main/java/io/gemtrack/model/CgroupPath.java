package io.gemtrack.model;

import io.gemtrack.events.EventBody;
import java.util.ArrayList;
import java.util.List;

/** Cgroup v2 paths as the schema spells them ({@code /}, or {@code /} and names joined by {@code /}). */
public final class CgroupPath {

    private CgroupPath() {
    }

    /** Whether {@code path} is {@code ancestor} or lies beneath it. */
    public static boolean within(String path, String ancestor) {
        if (ancestor.equals(EventBody.ROOT_CGROUP)) {
            return true;
        }
        return path.startsWith(ancestor) && (path.length() == ancestor.length() || path.charAt(ancestor.length()) == '/');
    }

    /** {@code path} and every cgroup above it, the root last. */
    public static List<String> selfAndAncestors(String path) {
        List<String> paths = new ArrayList<>();
        for (String current = path; current != null; current = parent(current)) {
            paths.add(current);
        }
        return paths;
    }

    /** The cgroup directly above {@code path}; {@code null} for the root. */
    public static String parent(String path) {
        if (path.equals(EventBody.ROOT_CGROUP)) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash == 0 ? EventBody.ROOT_CGROUP : path.substring(0, slash);
    }
}
