package io.gemtrack.testkit;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads back what a command printed with {@code --dry-run}: one JSON event per line, each decoded strictly. */
public final class EventLines {

    private EventLines() {
    }

    public static List<Event> decode(String output) throws MalformedEventException {
        EventCodec codec = new EventCodec();
        List<Event> events = new ArrayList<>();
        for (String line : output.split("\n")) {
            events.add(codec.decode(line.getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }
}
