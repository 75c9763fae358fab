package ackline.asterisk;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import ackline.call.PbxEvent.Kind;
import org.asteriskjava.manager.event.AbstractChannelEvent;
import org.asteriskjava.manager.event.AbstractMixMonitorEvent;
import org.asteriskjava.manager.event.BridgeEnterEvent;
import org.asteriskjava.manager.event.BridgeLeaveEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.DialEvent;
import org.asteriskjava.manager.event.DtmfEndEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.MixMonitorStartEvent;
import org.asteriskjava.manager.event.MixMonitorStopEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.NewStateEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.VarSetEvent;

/**
 * Reads Asterisk-Java's event objects: which of them are part of a call's timeline, which channel each is about, the
 * call id it carries, when it happened and its interesting fields.
 *
 * <p>Asterisk-Java parses {@code ChanVariable: ACKLINE_CALL_ID=<uuid>} (manager.conf {@code channelvars}) into
 * {@link ManagerEvent#getChannelVariables()} of every event class; {@code DestChanVariable} has no setter and is
 * dropped, so a Dial event is matched by its calling channel. For every DialBegin it also dispatches a synthetic
 * legacy {@link DialEvent} without variables, which is not part of the timeline.
 */
final class AmiEvents {

	/** The channel variable Ackline sets on every call ({@code __ACKLINE_CALL_ID}, inherited by the client leg). */
	static final String CALL_ID_VARIABLE = "ACKLINE_CALL_ID";

	/** Ackline's originates carry ActionID {@code ackline-<callId>}; the OriginateResponse event echoes it. */
	static final String ACTION_ID_PREFIX = "ackline-";

	private static final int STATE_RING = 4;

	private static final int STATE_RINGING = 5;

	private static final int STATE_UP = 6;

	private AmiEvents() {
	}

	/** What the event means for a call, or null when it is not part of a call's timeline. */
	static Kind kind(ManagerEvent event) {
		if (event instanceof OriginateResponseEvent) {
			return Kind.ORIGINATE_RESPONSE;
		}
		if (event instanceof NewChannelEvent) {
			return Kind.CHANNEL_CREATED;
		}
		if (event instanceof NewStateEvent state) {
			return stateKind(state);
		}
		if (event instanceof DialBeginEvent) {
			return Kind.DIAL_BEGIN;
		}
		if (event instanceof DialEndEvent) {
			return Kind.DIAL_END;
		}
		if (event instanceof BridgeEnterEvent) {
			return Kind.BRIDGE_ENTER;
		}
		if (event instanceof BridgeLeaveEvent) {
			return Kind.BRIDGE_LEAVE;
		}
		if (event instanceof MixMonitorStartEvent) {
			return Kind.RECORDING_STARTED;
		}
		if (event instanceof MixMonitorStopEvent) {
			return Kind.RECORDING_STOPPED;
		}
		if (event instanceof DtmfEndEvent dtmf) {
			// a key pressed in a bridged call is reported Received on one channel and Sent on the other
			return dtmf.getDirection() == null || "Received".equalsIgnoreCase(dtmf.getDirection()) ? Kind.DTMF : null;
		}
		if (event instanceof HangupEvent) {
			return Kind.HANGUP;
		}
		return null;
	}

	/** The event's name as Asterisk sends it. */
	static String name(ManagerEvent event) {
		if (event instanceof OriginateResponseEvent) {
			return "OriginateResponse";
		}
		if (event instanceof NewChannelEvent) {
			return "Newchannel";
		}
		if (event instanceof NewStateEvent) {
			return "Newstate";
		}
		if (event instanceof DialBeginEvent) {
			return "DialBegin";
		}
		if (event instanceof DialEndEvent) {
			return "DialEnd";
		}
		if (event instanceof DtmfEndEvent) {
			return "DTMFEnd";
		}
		if (event instanceof VarSetEvent) {
			return "VarSet";
		}
		String simple = event.getClass().getSimpleName();
		return simple.endsWith("Event") ? simple.substring(0, simple.length() - "Event".length()) : simple;
	}

	/**
	 * The channel whose variables and Linkedid the event carries, by which it is matched to a call: the calling
	 * channel of a Dial event, the event's channel otherwise. Null for events about no channel.
	 */
	static ChannelRef matchedBy(ManagerEvent event) {
		if (event instanceof DialEvent dial) {
			return new ChannelRef(dial.getUniqueId(), linkedIdOfDial(dial), dial.getChannel());
		}
		return subject(event);
	}

	/** The channel the event is about: the dialled channel (the client's leg) for Dial events. */
	static ChannelRef subject(ManagerEvent event) {
		if (event instanceof DialBeginEvent begin) {
			return new ChannelRef(begin.getDestUniqueId(), begin.getDestLinkedId(), destination(begin));
		}
		if (event instanceof DialEndEvent end) {
			return new ChannelRef(end.getDestUniqueId(), end.getDestLinkedId(), destination(end));
		}
		if (event instanceof NewChannelEvent created) {
			return new ChannelRef(created.getUniqueId(), created.getLinkedid(), created.getChannel());
		}
		if (event instanceof NewStateEvent state) {
			return new ChannelRef(state.getUniqueId(), state.getLinkedId(), state.getChannel());
		}
		if (event instanceof HangupEvent hangup) {
			return new ChannelRef(hangup.getUniqueId(), hangup.getLinkedId(), hangup.getChannel());
		}
		if (event instanceof BridgeEnterEvent enter) {
			return new ChannelRef(enter.getUniqueId(), enter.getLinkedId(), enter.getChannel());
		}
		if (event instanceof BridgeLeaveEvent leave) {
			return new ChannelRef(leave.getUniqueId(), leave.getLinkedId(), leave.getChannel());
		}
		if (event instanceof AbstractMixMonitorEvent mixMonitor) {
			return new ChannelRef(mixMonitor.getUniqueId(), mixMonitor.getLinkedId(), mixMonitor.getChannel());
		}
		if (event instanceof DtmfEndEvent dtmf) {
			return new ChannelRef(dtmf.getUniqueId(), dtmf.getLinkedId(), dtmf.getChannel());
		}
		if (event instanceof VarSetEvent varSet) {
			return new ChannelRef(varSet.getUniqueId(), varSet.getLinkedId(), varSet.getChannel());
		}
		if (event instanceof OriginateResponseEvent response) {
			return new ChannelRef(response.getUniqueId(), null, response.getChannel());
		}
		if (event instanceof AbstractChannelEvent channel) {
			return new ChannelRef(channel.getUniqueId(), null, channel.getChannel());
		}
		return null;
	}

	/** The call id in the event's {@code ChanVariable: ACKLINE_CALL_ID=...}, or null. */
	static UUID callId(ManagerEvent event) {
		Map<String, String> variables = event.getChannelVariables();
		return variables == null ? null : parseCallId(variables.get(CALL_ID_VARIABLE));
	}

	/** The call id a VarSet of {@code ACKLINE_CALL_ID} (or its inherited form {@code __ACKLINE_CALL_ID}) sets. */
	static UUID callIdSet(VarSetEvent event) {
		String variable = event.getVariable();
		if (variable == null || !variable.replaceFirst("^_{1,2}", "").equals(CALL_ID_VARIABLE)) {
			return null;
		}
		return parseCallId(event.getValue());
	}

	/** The call an OriginateResponse answers, from its ActionID {@code ackline-<callId>}. */
	static UUID callIdOfAction(String actionId) {
		if (actionId == null || !actionId.startsWith(ACTION_ID_PREFIX)) {
			return null;
		}
		return parseCallId(actionId.substring(ACTION_ID_PREFIX.length()));
	}

	static UUID parseCallId(String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return UUID.fromString(value.strip());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * When Asterisk says the event happened ({@code Timestamp: 1763712000.123456}, manager.conf
	 * {@code timestampevents}), to the microsecond; else when Asterisk-Java received it; else {@code fallback}.
	 * Every node derives the same instant from the same event, which {@code PbxEvent.key()} relies on.
	 */
	static Instant at(ManagerEvent event, Instant fallback) {
		Double timestamp = event.getTimestamp();
		if (timestamp != null && !timestamp.isNaN() && !timestamp.isInfinite()) {
			// Double.toString gives the shortest decimal that reads back as this double: Asterisk's own digits
			BigDecimal seconds = BigDecimal.valueOf(timestamp).setScale(6, RoundingMode.HALF_UP);
			long whole = seconds.longValue();
			long micros = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(6).longValue();
			return Instant.ofEpochSecond(whole, micros * 1_000);
		}
		if (event.getDateReceived() != null) {
			return event.getDateReceived().toInstant();
		}
		return fallback;
	}

	/** The event's fields named in {@code PbxEvent}'s detail. */
	static Map<String, String> detail(ManagerEvent event, Kind kind) {
		Map<String, String> detail = new LinkedHashMap<>();
		switch (kind) {
			case ORIGINATE_RESPONSE -> {
				OriginateResponseEvent response = (OriginateResponseEvent) event;
				put(detail, "response", response.getResponse());
				put(detail, "reason", response.getReason());
			}
			case CHANNEL_CREATED, RINGING, ANSWERED -> put(detail, "state", event.getChannelStateDesc());
			case DIAL_END -> put(detail, "dialStatus", ((DialEndEvent) event).getDialStatus());
			case HANGUP -> {
				HangupEvent hangup = (HangupEvent) event;
				put(detail, "cause", hangup.getCause());
				put(detail, "causeText", hangup.getCauseTxt());
			}
			case DTMF -> put(detail, "digit", ((DtmfEndEvent) event).getDigit());
			default -> {
			}
		}
		return detail;
	}

	private static Kind stateKind(NewStateEvent event) {
		Integer state = event.getChannelState();
		String description = event.getChannelStateDesc();
		if ((state != null && (state == STATE_RING || state == STATE_RINGING))
				|| "Ring".equalsIgnoreCase(description) || "Ringing".equalsIgnoreCase(description)) {
			return Kind.RINGING;
		}
		if ((state != null && state == STATE_UP) || "Up".equalsIgnoreCase(description)) {
			return Kind.ANSWERED;
		}
		return null;
	}

	private static String linkedIdOfDial(DialEvent dial) {
		if (dial instanceof DialBeginEvent begin) {
			return begin.getLinkedId();
		}
		if (dial instanceof DialEndEvent end) {
			return end.getLinkedId();
		}
		return null;
	}

	private static String destination(DialEvent dial) {
		return dial.getDestChannel() != null ? dial.getDestChannel() : dial.getDestination();
	}

	private static void put(Map<String, String> detail, String key, Object value) {
		if (value != null && !value.toString().isEmpty()) {
			detail.put(key, value.toString());
		}
	}

	/** A channel as an event names it. */
	record ChannelRef(String uniqueId, String linkedId, String name) {

		/** The originated channel of a call is its own Linkedid. */
		boolean originated() {
			return uniqueId != null && uniqueId.equals(linkedId);
		}

	}

}
