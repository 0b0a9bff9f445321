package io.gemtrack.collector.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cgroup v2 line of {@code /proc/PID/cgroup}, as kernel/cgroup/cgroup.c's proc_cgroup_show prints it. */
class CgroupPathTest {

    @Test
    void theUnifiedLineNamesTheCgroup() {
        assertThat(ProcFs.cgroupPath("0::/user.slice/user-1000.slice/session-2.scope\n"))
                .isEqualTo("/user.slice/user-1000.slice/session-2.scope");
        assertThat(ProcFs.cgroupPath("0::/\n")).isEqualTo("/");
    }

    @Test
    void onAHybridHostTheUnifiedLineIsAmongTheV1Ones() {
        assertThat(ProcFs.cgroupPath("12:memory:/system.slice/a.service\n1:name=systemd:/system.slice/a.service\n"
                + "0::/system.slice/a.service\n")).isEqualTo("/system.slice/a.service");
    }

    @Test
    void whatTheSchemaCannotNameIsUnknown() {
        assertThat(ProcFs.cgroupPath("12:memory:/system.slice/a.service\n")).as("a cgroup v1 host").isNull();
        assertThat(ProcFs.cgroupPath("0::/../../system.slice/a.service\n")).as("outside the reader's cgroup namespace").isNull();
        assertThat(ProcFs.cgroupPath("0::/system.slice/gone.scope (deleted)\n")).as("removed under a dying process").isNull();
    }
}
