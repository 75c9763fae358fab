package ackline.live;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import ackline.live.LiveFanOut.LiveFanOutUnavailable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.Message;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * Sends live messages: numbered and fanned out to every node by {@link LiveFanOut}, then delivered by each node to
 * its own STOMP subscribers. A message the fan-out could not take is not silently lost: its stream is remembered and,
 * once the fan-out is back, every console of that stream is told to re-sync ({@code RESYNC}); a node that lost its
 * own subscription tells its consoles the same.
 */
final class LiveMessages {

	private static final Logger log = LoggerFactory.getLogger(LiveMessages.class);

	static final String RESYNC = "RESYNC";

	private final LiveFanOut fanOut;

	private final SimpMessagingTemplate template;

	private final SimpUserRegistry users;

	private final JsonMapper json;

	private final Clock clock;

	private final Set<Missed> missed = ConcurrentHashMap.newKeySet();

	private final Counter published;

	private final Counter failed;

	private final Counter delivered;

	private final AtomicLong lastFailureLog = new AtomicLong();

	private record Missed(LiveStream stream, String user) {
	}

	LiveMessages(LiveFanOut fanOut, SimpMessagingTemplate template, SimpUserRegistry users, JsonMapper json, Clock clock,
			MeterRegistry meters) {
		this.fanOut = fanOut;
		this.template = template;
		this.users = users;
		this.json = json;
		this.clock = clock;
		this.published = Counter.builder("ackline.live.published").description("live messages numbered and fanned out")
			.register(meters);
		this.failed = Counter.builder("ackline.live.failed")
			.description("live messages the fan-out did not take (their streams re-sync)").register(meters);
		this.delivered = Counter.builder("ackline.live.delivered").description("live messages delivered on this node")
			.register(meters);
	}

	void start() {
		fanOut.start(this::deliver, this::resyncLocalConsoles);
	}

	/**
	 * Tells every node to have all its consoles re-sync: a node that starts may be the successor of one that died
	 * between committing a change and sending its message (that message never got a number, so no console could see
	 * a gap). Consoles of the dead node reconnect and load snapshots anyway; this reaches those of the other nodes.
	 */
	void announceStart() {
		try {
			fanOut.publish("control", "A", "\"type\":\"" + RESYNC + "\"}");
		}
		catch (LiveFanOutUnavailable ex) {
			log.warn("Could not ask the consoles to re-sync at start ({}); they will at their next gap or reconnect",
					ex.getMessage());
		}
	}

	/**
	 * Numbers and sends one message.
	 * @param user the user of a per-user stream, else ignored
	 * @param at when the change it reports happened
	 */
	void publish(LiveStream stream, String user, String type, Object id, Instant at, Object data) {
		if (stream.perUser && user == null) {
			return;
		}
		String route = stream.perUser ? "U " + user + " " + stream.destination : "T " + stream.destination;
		try {
			fanOut.publish(stream.key(user), route, tail(stream, type, id, at, data));
			published.increment();
		}
		catch (LiveFanOutUnavailable ex) {
			failed.increment();
			missed.add(new Missed(stream, stream.perUser ? user : null));
			long now = System.nanoTime();
			long last = lastFailureLog.get();
			if (now - last > 10_000_000_000L && lastFailureLog.compareAndSet(last, now)) {
				log.warn("Live messages cannot be fanned out ({}); their consoles will re-sync when it returns",
						ex.getMessage());
			}
		}
	}

	/** Tells consoles of streams whose messages were not fanned out to re-sync, once the fan-out takes messages again. */
	void repairMissed() {
		for (Missed m : Set.copyOf(missed)) {
			String route = m.stream.perUser ? "U " + m.user + " " + m.stream.destination : "T " + m.stream.destination;
			try {
				fanOut.publish(m.stream.key(m.user), route, tail(m.stream, RESYNC, null, clock.instant(), Map.of()));
				missed.remove(m);
			}
			catch (LiveFanOutUnavailable ex) {
				return;
			}
		}
	}

	boolean hasMissed() {
		return !missed.isEmpty();
	}

	long seq(LiveStream stream, String user) {
		return fanOut.currentSeq(stream.key(user));
	}

	private String tail(LiveStream stream, String type, Object id, Instant at, Object data) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("stream", stream.label);
		body.put("type", type);
		body.put("id", id == null ? null : id.toString());
		body.put("at", at);
		body.put("data", data);
		String text = json.writeValueAsString(body);
		return text.substring(1);
	}

	/** A message from the fan-out: to this node's subscribers of its destination. */
	void deliver(LiveFanOut.Received received) {
		String route = received.route();
		String destination;
		if (route.startsWith("T ")) {
			destination = route.substring(2);
		}
		else if (route.startsWith("U ")) {
			int space = route.indexOf(' ', 2);
			if (space < 0) {
				return;
			}
			String user = route.substring(2, space);
			if (users.getUser(user) == null) {
				return; // nobody of that name is connected to this node
			}
			destination = "/user/" + user + route.substring(space + 1);
		}
		else if (route.equals("A")) {
			resyncLocalConsoles();
			return;
		}
		else {
			return;
		}
		send(destination, received.body());
		delivered.increment();
	}

	private void send(String destination, String body) {
		SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
		headers.setContentType(MimeTypeUtils.APPLICATION_JSON);
		headers.setLeaveMutable(true);
		Message<byte[]> message = MessageBuilder.createMessage(body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
				headers.getMessageHeaders());
		template.send(destination, message);
	}

	/** After this node lost its subscription for a while: every console connected here re-syncs. */
	void resyncLocalConsoles() {
		for (LiveStream stream : LiveStream.values()) {
			if (!stream.perUser) {
				send(stream.destination, localResync(stream, null));
			}
		}
		for (SimpUser user : users.getUsers()) {
			for (LiveStream stream : LiveStream.values()) {
				if (stream.perUser) {
					send("/user/" + user.getName() + stream.destination, localResync(stream, user.getName()));
				}
			}
		}
	}

	private String localResync(LiveStream stream, String user) {
		long seq;
		try {
			seq = fanOut.currentSeq(stream.key(user));
		}
		catch (RuntimeException ex) {
			seq = 0;
		}
		return "{\"seq\":" + seq + "," + tail(stream, RESYNC, null, clock.instant(), Map.of());
	}

}
