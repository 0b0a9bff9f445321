package io.gemtrack.model.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names in the paths systemd, the kubelet and the container runtimes write, as real hosts show them. */
class CgroupNamesTest {

    private static final String ID = "4f1c6b0e8a3d2c5b7e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f";
    private static final String UID = "8d5a0d7c-5b1e-4f6a-9c3d-2e1f0a9b8c7d";

    @Test
    void aSystemServiceIsItsUnitInItsSlice() {
        assertThat(CgroupNames.of("/system.slice/nginx.service"))
                .isEqualTo(new CgroupNames("nginx.service", "system.slice", null, null, null, null));
    }

    @Test
    void aUsersApplicationScopeIsTheDeepestUnit() {
        assertThat(CgroupNames.of("/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-4242.scope"))
                .isEqualTo(new CgroupNames("app-firefox-4242.scope", "app.slice", null, null, null, null));
    }

    @Test
    void aContainerdContainerOfABurstablePodUnderTheSystemdDriver() {
        String path = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID.replace('-', '_')
                + ".slice/cri-containerd-" + ID + ".scope";
        assertThat(CgroupNames.of(path)).isEqualTo(new CgroupNames("cri-containerd-" + ID + ".scope",
                "kubepods-burstable-pod" + UID.replace('-', '_') + ".slice", "containerd", ID, UID, "burstable"));
    }

    @Test
    void aGuaranteedPodsSliceNamesThePodButNoContainer() {
        CgroupNames names = CgroupNames.of("/kubepods.slice/kubepods-pod" + UID.replace('-', '_') + ".slice");
        assertThat(names.podUid()).isEqualTo(UID);
        assertThat(names.qosClass()).isEqualTo("guaranteed");
        assertThat(names.containerId()).isNull();
    }

    @Test
    void aCriOContainerAndACgroupfsDriverPod() {
        assertThat(CgroupNames.of("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + UID.replace('-', '_') + ".slice/crio-" + ID + ".scope").runtime()).isEqualTo("cri-o");
        CgroupNames cgroupfs = CgroupNames.of("/kubepods/besteffort/pod" + UID + "/" + ID);
        assertThat(cgroupfs).isEqualTo(new CgroupNames(null, null, "kubernetes", ID, UID, "besteffort"));
    }

    @Test
    void dockerAndPodmanUnderSystemdAndCgroupfs() {
        assertThat(CgroupNames.of("/system.slice/docker-" + ID + ".scope"))
                .isEqualTo(new CgroupNames("docker-" + ID + ".scope", "system.slice", "docker", ID, null, null));
        assertThat(CgroupNames.of("/docker/" + ID).containerId()).isEqualTo(ID);
        assertThat(CgroupNames.of("/machine.slice/libpod-" + ID + ".scope").runtime()).isEqualTo("podman");
        assertThat(CgroupNames.of("/libpod_parent/libpod-" + ID).runtime()).isEqualTo("podman");
    }

    @Test
    void namesThatOnlyLookAlikeNameNothing() {
        assertThat(CgroupNames.of("/")).isEqualTo(new CgroupNames(null, null, null, null, null, null));
        assertThat(CgroupNames.of("/system.slice/docker-abc.scope").containerId()).isNull();
        assertThat(CgroupNames.of("/" + ID).containerId()).isNull();
        assertThat(CgroupNames.of("/system.slice/pod" + UID).podUid()).isNull();
    }
}
