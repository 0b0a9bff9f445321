package io.gemtrack.model.cgroup;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a cgroup's path says in names people recognise, by the conventions of the tools that create cgroups: the
 * systemd unit (the deepest {@code .service}, {@code .scope}, {@code .socket}, {@code .mount} or {@code .swap}
 * name) and slice; a container's runtime and id (containerd's {@code cri-containerd-ID.scope}, CRI-O's
 * {@code crio-ID.scope}, Docker's {@code docker-ID.scope} or {@code /docker/ID}, Podman's {@code libpod-ID.scope} or
 * {@code libpod-ID}; a kubelet with the cgroupfs driver names a container by its id alone); and a Kubernetes pod's
 * UID and QoS class ({@code kubepods-burstable-podUID.slice}, whose UID has {@code _} for {@code -} because systemd
 * reads {@code -} in a slice name as nesting, or {@code /kubepods/burstable/podUID}). Each is {@code null} where the
 * path does not name it.
 *
 * @param unit        e.g. {@code nginx.service}, {@code cri-containerd-4f…e1.scope}
 * @param slice       the deepest slice above or at the cgroup, e.g. {@code user-1000.slice}
 * @param runtime     {@code containerd}, {@code cri-o}, {@code docker}, {@code podman}, or {@code kubernetes} for a
 *                    container the kubelet names by id alone
 * @param containerId the 64 hex digits of the container's id
 * @param podUid      the pod's UID as Kubernetes writes it (with {@code -})
 * @param qosClass    {@code guaranteed}, {@code burstable} or {@code besteffort} for a pod and what lies in it
 */
public record CgroupNames(String unit, String slice, String runtime, String containerId, String podUid, String qosClass) {

    private static final Pattern UNIT = Pattern.compile(".+\\.(service|scope|socket|mount|swap)");
    private static final Pattern SCOPE_CONTAINER =
            Pattern.compile("(cri-containerd|crio|docker|libpod)-([0-9a-f]{64})\\.scope");
    private static final Pattern CGROUPFS_CONTAINER = Pattern.compile("(?:libpod-)?([0-9a-f]{64})");
    private static final Pattern SYSTEMD_POD =
            Pattern.compile("kubepods(?:-(burstable|besteffort))?-pod([0-9a-f_]{36})\\.slice");
    private static final Pattern CGROUPFS_POD = Pattern.compile("pod([0-9a-f-]{36})");

    /** The names in {@code path}, a cgroup v2 path. */
    public static CgroupNames of(String path) {
        List<String> names = path.equals("/") ? List.of() : List.of(path.substring(1).split("/"));
        String unit = null;
        String slice = null;
        String runtime = null;
        String containerId = null;
        String podUid = null;
        String qosClass = null;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String above = i > 0 ? names.get(i - 1) : "";
            if (name.endsWith(".slice")) {
                slice = name;
            } else if (UNIT.matcher(name).matches()) {
                unit = name;
            }
            Matcher scope = SCOPE_CONTAINER.matcher(name);
            Matcher cgroupfs = CGROUPFS_CONTAINER.matcher(name);
            Matcher systemdPod = SYSTEMD_POD.matcher(name);
            Matcher cgroupfsPod = CGROUPFS_POD.matcher(name);
            if (scope.matches()) {
                runtime = runtime(scope.group(1));
                containerId = scope.group(2);
            } else if (cgroupfs.matches() && podUid != null) {
                runtime = "kubernetes";
                containerId = cgroupfs.group(1);
            } else if (cgroupfs.matches() && (above.equals("docker") || above.equals("libpod_parent"))) {
                runtime = above.equals("docker") ? "docker" : "podman";
                containerId = cgroupfs.group(1);
            } else if (systemdPod.matches()) {
                podUid = systemdPod.group(2).replace('_', '-');
                qosClass = systemdPod.group(1) == null ? "guaranteed" : systemdPod.group(1);
            } else if (cgroupfsPod.matches() && names.subList(0, i).contains("kubepods")) {
                podUid = cgroupfsPod.group(1);
                qosClass = above.equals("burstable") || above.equals("besteffort") ? above : "guaranteed";
            }
        }
        return new CgroupNames(unit, slice, runtime, containerId, podUid, qosClass);
    }

    private static String runtime(String prefix) {
        return switch (prefix) {
            case "cri-containerd" -> "containerd";
            case "crio" -> "cri-o";
            case "libpod" -> "podman";
            default -> prefix;
        };
    }
}
