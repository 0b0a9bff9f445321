package io.gemtrack.producer.scenario;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The cgroup v2 paths the workloads run in, named as on real hosts: systemd's slices, services and scopes, the
 * kubelet's pod slices (systemd driver: the pod UID with {@code _} for {@code -}) holding containerd's scopes, and
 * Docker's and Podman's container scopes. Ids come from the workload's name, so the same seed gives the same paths.
 */
final class Cgroups {

    static final String USER_SESSION = "/user.slice/user-1000.slice/session-2.scope";
    /** Where a user's systemd starts applications, each then moved into a scope of its own. */
    static final String USER_APPS = "/user.slice/user-1000.slice/user@1000.service/app.slice";

    private Cgroups() {
    }

    static String systemService(String unit) {
        return "/system.slice/" + unit + ".service";
    }

    /** The transient scope a desktop moves a launched application into: {@code app-NAME-PID.scope}. */
    static String appScope(String app, int pid) {
        return USER_APPS + "/app-" + app + "-" + pid + ".scope";
    }

    static String dockerContainer(String name) {
        return "/system.slice/docker-" + containerId(name) + ".scope";
    }

    static String podmanContainer(String name) {
        return "/machine.slice/libpod-" + containerId(name) + ".scope";
    }

    /** A pod's slice under the kubelet's slice of its QoS class ({@code burstable}, {@code besteffort}). */
    static String pod(String qosClass, String name) {
        String uid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().replace('-', '_');
        return "/kubepods.slice/kubepods-" + qosClass + ".slice/kubepods-" + qosClass + "-pod" + uid + ".slice";
    }

    /** A container of {@code pod} as containerd's CRI plugin names its scope. */
    static String containerdContainer(String pod, String name) {
        return pod + "/cri-containerd-" + containerId(pod + "/" + name) + ".scope";
    }

    /** 64 hex digits, as container runtimes write their ids. */
    private static String containerId(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
