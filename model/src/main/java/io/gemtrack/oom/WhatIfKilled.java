package io.gemtrack.oom;

import java.util.List;

/**
 * What a kill of one process would do now.
 *
 * @param freedBytes   anon + swap + page-table bytes plus the resident bytes of the objects freed
 * @param freedObjects the objects the process alone holds, which die with it, by id
 * @param stillHeld    every other object the process holds, with the processes left holding it
 */
public record WhatIfKilled(int pid, String comm, long freedBytes, List<FreedObject> freedObjects,
                           List<StillHeld> stillHeld) {

    public record FreedObject(long object, long residentBytes) {
    }

    public record StillHeld(long object, long residentBytes, List<Integer> holdersLeft) {
    }
}
