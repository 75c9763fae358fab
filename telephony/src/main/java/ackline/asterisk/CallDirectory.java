package ackline.asterisk;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What this adapter knows about Ackline's calls on the PBX: which channels (by Uniqueid) and which Linkedid belong to
 * which call, whether it is an agent or an IVR call, and which channels are still up.
 *
 * <p>Entries outlive the call's last hang-up by {@code retention}: Asterisk reports MixMonitorStop and late events
 * of a channel after its Hangup, and they must still find their call. Thread-safe.
 */
final class CallDirectory {

	/** How the call was placed, which decides the legs: the originated channel is the agent's only on agent calls. */
	enum CallType {

		AGENT, IVR

	}

	/** Channels remembered as not Ackline's are forgotten in bulk beyond this many (their hang-ups were missed). */
	private static final int MAX_FOREIGN = 10_000;

	private final Duration retention;

	private final Map<UUID, Call> calls = new HashMap<>();

	private final Map<String, UUID> byUniqueId = new HashMap<>();

	private final Map<String, UUID> byLinkedId = new HashMap<>();

	private final Set<String> foreign = new HashSet<>();

	CallDirectory(Duration retention) {
		this.retention = retention;
	}

	/** Ackline has just asked the PBX for this call. */
	synchronized void dialled(UUID callId, CallType type, String recordingFile, Instant now) {
		Call call = call(callId, now);
		call.type = type;
		call.recordingFile = recordingFile;
	}

	/** Learned how a call was placed (from its OriginateResponse or its dialplan context), if not known yet. */
	synchronized void typeSeen(UUID callId, CallType type, Instant now) {
		Call call = call(callId, now);
		if (call.type == null) {
			call.type = type;
		}
	}

	synchronized CallType type(UUID callId) {
		Call call = calls.get(callId);
		return call == null ? null : call.type;
	}

	synchronized String recordingFile(UUID callId) {
		Call call = calls.get(callId);
		return call == null ? null : call.recordingFile;
	}

	synchronized UUID byUniqueId(String uniqueId) {
		return uniqueId == null ? null : byUniqueId.get(uniqueId);
	}

	synchronized UUID byLinkedId(String linkedId) {
		return linkedId == null ? null : byLinkedId.get(linkedId);
	}

	/**
	 * The channel belongs to the call. Its Linkedid (the originated channel's Uniqueid, shared by every channel of
	 * the call) is remembered too, so the call's other channels match before they carry the call id themselves.
	 */
	synchronized void attach(UUID callId, String uniqueId, String linkedId, String channel, Instant now) {
		Call call = call(callId, now);
		if (uniqueId != null) {
			foreign.remove(uniqueId);
			UUID previous = byUniqueId.put(uniqueId, callId);
			if (previous == null && channel != null && !call.hungUp.contains(uniqueId)) {
				call.live.put(uniqueId, channel);
			}
			else if (channel != null && call.live.containsKey(uniqueId)) {
				// a channel is renamed (masquerade, ";1" and ";2" of Local channels): keep the newest name
				call.live.put(uniqueId, channel);
			}
		}
		if (linkedId != null) {
			byLinkedId.putIfAbsent(linkedId, callId);
			call.linkedIds.add(linkedId);
		}
		call.lastSeen = now;
	}

	/** The channel hung up: it is no longer one to hang up, and the call ends with its last channel. */
	synchronized void hungUp(String uniqueId, Instant now) {
		if (uniqueId == null) {
			return;
		}
		foreign.remove(uniqueId);
		UUID callId = byUniqueId.get(uniqueId);
		Call call = callId == null ? null : calls.get(callId);
		if (call == null) {
			return;
		}
		call.live.remove(uniqueId);
		call.hungUp.add(uniqueId);
		call.lastSeen = now;
	}

	/** The names of the call's channels still up, as far as events told. */
	synchronized List<String> liveChannels(UUID callId) {
		Call call = calls.get(callId);
		return call == null ? List.of() : new ArrayList<>(call.live.values());
	}

	/** The Linkedids of the call's channels seen so far. */
	synchronized Set<String> linkedIds(UUID callId) {
		Call call = calls.get(callId);
		return call == null ? Set.of() : Set.copyOf(call.linkedIds);
	}

	/** Whether a Getvar already found that this channel carries no Ackline call id. */
	synchronized boolean isForeign(String uniqueId) {
		return uniqueId != null && foreign.contains(uniqueId);
	}

	synchronized void markForeign(String uniqueId) {
		if (uniqueId == null) {
			return;
		}
		if (foreign.size() >= MAX_FOREIGN) {
			foreign.clear();
		}
		foreign.add(uniqueId);
	}

	/**
	 * Forgets calls with no channel up whose last event is older than the retention, and calls dialled that never
	 * produced an event for as long.
	 */
	synchronized int forget(Instant now) {
		Instant before = now.minus(retention);
		int forgotten = 0;
		for (Iterator<Call> it = calls.values().iterator(); it.hasNext();) {
			Call call = it.next();
			if (call.live.isEmpty() && call.lastSeen.isBefore(before)) {
				it.remove();
				byUniqueId.values().removeIf(call.id::equals);
				byLinkedId.values().removeIf(call.id::equals);
				forgotten++;
			}
		}
		return forgotten;
	}

	synchronized int size() {
		return calls.size();
	}

	private Call call(UUID callId, Instant now) {
		return calls.computeIfAbsent(callId, (id) -> new Call(id, now));
	}

	private static final class Call {

		final UUID id;

		CallType type;

		String recordingFile;

		/** Uniqueid to channel name, for the channels still up. */
		final Map<String, String> live = new LinkedHashMap<>();

		final Set<String> hungUp = new HashSet<>();

		final Set<String> linkedIds = new HashSet<>();

		Instant lastSeen;

		Call(UUID id, Instant now) {
			this.id = id;
			this.lastSeen = now;
		}

	}

}
