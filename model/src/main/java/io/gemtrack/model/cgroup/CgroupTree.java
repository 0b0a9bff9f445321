package io.gemtrack.model.cgroup;

import io.gemtrack.model.CgroupPath;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cgroups of one host with their figures, in path order (a cgroup before those beneath it). */
public final class CgroupTree {

    /** A tree of no cgroups, not even the root. */
    public static final CgroupTree EMPTY = new CgroupTree(Map.of());

    private final Map<String, CgroupFigures> cgroups;

    CgroupTree(Map<String, CgroupFigures> cgroups) {
        this.cgroups = Collections.unmodifiableMap(cgroups);
    }

    public Collection<CgroupFigures> cgroups() {
        return cgroups.values();
    }

    public Optional<CgroupFigures> cgroup(String path) {
        return Optional.ofNullable(cgroups.get(path));
    }

    /** The cgroups directly beneath {@code path}, in path order. */
    public List<CgroupFigures> children(String path) {
        return cgroups.values().stream().filter(figures -> path.equals(CgroupPath.parent(figures.path()))).toList();
    }
}
