package io.gemtrack.collector;

import io.gemtrack.events.Event;
import io.gemtrack.events.EventBody;
import io.gemtrack.events.EventCodec;
import io.gemtrack.events.EventStamper;
import io.gemtrack.events.MalformedEventException;
import io.gemtrack.model.ApplyResult;
import io.gemtrack.model.HostModel;
import io.gemtrack.testkit.ProcTree;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The aggregator's model as the judge of a stream: every event must survive the wire (encode, decode) and be
 * applied, not rejected. A rejection names the event and the rule it broke.
 */
public final class AggregatorReferee {

    private final EventCodec codec = new EventCodec();
    private final EventStamper stamper = new EventStamper(ProcTree.HOSTNAME, "referee-boot");
    private HostModel model;

    public List<EventBody> acceptBodies(List<EventBody> bodies) {
        bodies.forEach(body -> accept(stamper.stamp(1_000_000 + stamper.nextSeq(), body)));
        return bodies;
    }

    public List<Event> accept(List<Event> events) {
        events.forEach(this::accept);
        return events;
    }

    private void accept(Event event) {
        Event decoded;
        try {
            decoded = codec.decode(codec.encode(event));
        } catch (MalformedEventException e) {
            throw new AssertionError("the codec cannot read back " + event + ": " + e.getMessage(), e);
        }
        assertThat(decoded).as("codec round trip").isEqualTo(event);
        if (model == null) {
            model = new HostModel(event.host());
        }
        assertThat(model.apply(event)).as("the model applies %s", event).isEqualTo(ApplyResult.APPLIED);
    }

    public HostModel model() {
        return model;
    }
}
