package ackline.live;

import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ackline.callback.Dialer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * Agent presence from the consoles' WebSockets: an AVAILABLE agent whose console has been gone (closed, crashed, the
 * network dropped) for {@code ackline.live.presence.pause-after} (default 2 min) is PAUSED by the server with reason
 * {@code CONSOLE_CLOSED}, so nobody is offered or progressively dialled to an empty chair; a reload or a short network
 * blip is within the grace. Only agents who opened a console are watched: scripts that work through the API alone are
 * never paused by this. Every node reports its own consoles to the {@link PresenceStore} and refreshes them; every node
 * sweeps (a pause is idempotent). {@code pause-after=0} turns it off.
 */
final class LivePresence {

	private static final Logger log = LoggerFactory.getLogger(LivePresence.class);

	static final String REASON = "CONSOLE_CLOSED";

	private final PresenceStore store;

	private final Dialer dialer;

	private final Clock clock;

	private final Duration pauseAfter;

	private final Duration refreshEvery;

	/** This node's agent consoles: session id → agent. */
	private final Map<String, String> sessions = new ConcurrentHashMap<>();

	LivePresence(PresenceStore store, Dialer dialer, Clock clock, Duration pauseAfter, Duration refreshEvery) {
		this.store = store;
		this.dialer = dialer;
		this.clock = clock;
		this.pauseAfter = pauseAfter;
		this.refreshEvery = refreshEvery;
	}

	boolean enabled() {
		return !pauseAfter.isZero() && !pauseAfter.isNegative();
	}

	@EventListener
	void connected(SessionConnectedEvent event) {
		StompHeaderAccessor headers = StompHeaderAccessor.wrap(event.getMessage());
		Principal user = event.getUser();
		if (!enabled() || user == null || headers.getSessionId() == null
				|| !LiveAccess.roles(user).contains("AGENT")) {
			return;
		}
		sessions.put(headers.getSessionId(), user.getName());
		safely(() -> {
			store.seen(user.getName(), headers.getSessionId(), clock.instant());
			store.present(user.getName());
		});
	}

	@EventListener
	void disconnected(SessionDisconnectEvent event) {
		String agent = sessions.remove(event.getSessionId());
		if (agent != null) {
			safely(() -> store.gone(agent, event.getSessionId()));
		}
	}

	/** Tells the store this node's consoles are still open. */
	void refresh() {
		if (!enabled()) {
			return;
		}
		Instant now = clock.instant();
		sessions.forEach((session, agent) -> safely(() -> store.seen(agent, session, now)));
	}

	/** Pauses the AVAILABLE agents whose consoles have all been gone for longer than the grace. */
	void sweep() {
		if (!enabled()) {
			return;
		}
		safely(() -> {
			Instant now = clock.instant();
			// a session counts while its node refreshes it; three missed refreshes and its node is taken for dead
			Instant alive = now.minus(refreshEvery.multipliedBy(3));
			for (String agent : store.agents()) {
				if (store.sessionsSince(agent, alive) > 0) {
					store.present(agent);
					continue;
				}
				Instant since = store.absentSince(agent, now);
				if (Duration.between(since, now).compareTo(pauseAfter) >= 0) {
					if (dialer.pauseAway(agent, REASON)) {
						log.info("Agent {} paused: no console for {} s", agent, Duration.between(since, now).toSeconds());
					}
					store.forget(agent);
				}
			}
		});
	}

	private static void safely(Runnable work) {
		try {
			work.run();
		}
		catch (RuntimeException ex) {
			log.warn("Console presence not updated: {}", ex.toString());
		}
	}

}
