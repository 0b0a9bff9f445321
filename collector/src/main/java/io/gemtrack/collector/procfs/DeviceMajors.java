package io.gemtrack.collector.procfs;

import io.gemtrack.collector.procfs.OpenFd.DeviceNode;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The majors of the character devices the collector reads fds of, from {@code /proc/devices}: {@code drm} (the DRM
 * core registers 226) and {@code accel} (the accel subsystem's, DRM-based compute accelerators). Either is absent
 * while its subsystem is not loaded, and then no fd can refer to it.
 */
record DeviceMajors(OptionalInt drm, OptionalInt accel) {

    static DeviceMajors parse(Path file, String text) throws MalformedProcFileException {
        OptionalInt drm = OptionalInt.empty();
        OptionalInt accel = OptionalInt.empty();
        boolean characterDevices = false;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.endsWith(":")) {
                characterDevices = line.equals("Character devices:");
                continue;
            }
            String[] fields = line.strip().split("\\s+", 2);
            if (characterDevices && fields.length == 2) {
                int major = parseMajor(file, fields[0]);
                if (fields[1].equals("drm")) {
                    drm = OptionalInt.of(major);
                } else if (fields[1].equals("accel")) {
                    accel = OptionalInt.of(major);
                }
            }
        }
        return new DeviceMajors(drm, accel);
    }

    /** The node, if {@code stat} is of a DRM or accel node; every other file is none. */
    Optional<DeviceNode> node(FileStat stat) {
        if (!stat.characterDevice()) {
            return Optional.empty();
        }
        if (drm.isPresent() && stat.major() == drm.getAsInt()) {
            return Optional.of(new DeviceNode(stat.major(), stat.minor(), false));
        }
        if (accel.isPresent() && stat.major() == accel.getAsInt()) {
            return Optional.of(new DeviceNode(stat.major(), stat.minor(), true));
        }
        return Optional.empty();
    }

    private static int parseMajor(Path file, String value) throws MalformedProcFileException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new MalformedProcFileException(file, "not a device major: '" + value + "'");
        }
    }
}
