package ackline.call;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One AMI event of a call, as the adapter matched it to Ackline's call id.
 * @param callId the call it belongs to
 * @param kind what happened, normalised
 * @param name the AMI event's name as Asterisk sent it ({@code DialBegin}, {@code Hangup} ...)
 * @param leg which leg: AGENT (the originated channel of an agent call) or CLIENT
 * @param channel the channel name, e.g. {@code PJSIP/agent1-00000001}
 * @param uniqueId the channel's Uniqueid
 * @param at when Asterisk says it happened (the event's Timestamp), or when it was received
 * @param detail the event's interesting fields: {@code dialStatus} (ANSWER, BUSY, NOANSWER, CONGESTION, CHANUNAVAIL,
 * CANCEL), {@code cause} (Q.850 code), {@code causeText}, {@code state} (ChannelStateDesc), {@code reason}
 * (OriginateResponse reason code), {@code file} (recording), {@code digit}
 */
public record PbxEvent(UUID callId, Kind kind, String name, Leg leg, String channel, String uniqueId, Instant at,
		Map<String, String> detail) {

	public PbxEvent {
		Objects.requireNonNull(callId, "callId");
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(at, "at");
		detail = detail == null ? Map.of() : Map.copyOf(detail);
	}

	/** Identifies the event across app nodes that all receive it: the same AMI event has the same key. */
	public String key() {
		return name + "|" + uniqueId + "|" + at + "|" + detail.getOrDefault("dialStatus", "") + "|"
				+ detail.getOrDefault("state", "") + "|" + detail.getOrDefault("digit", "");
	}

	/** Which side of the call. */
	public enum Leg {

		AGENT, CLIENT

	}

	/** What happened. */
	public enum Kind {

		/** The PBX accepted or refused the originate (OriginateResponse); detail {@code response} Success/Failure. */
		ORIGINATE_RESPONSE,
		/** A channel was created (Newchannel). */
		CHANNEL_CREATED,
		/** A channel rings (Newstate Ringing / Ring). */
		RINGING,
		/** A channel was answered (Newstate Up). */
		ANSWERED,
		/** The dialplan started dialling the client (DialBegin). */
		DIAL_BEGIN,
		/** Dialling the client ended (DialEnd) with {@code dialStatus}. */
		DIAL_END,
		/** A channel entered the bridge (BridgeEnter): agent and client talk. */
		BRIDGE_ENTER,
		/** A channel left the bridge (BridgeLeave). */
		BRIDGE_LEAVE,
		/** MixMonitor started recording (MixMonitorStart) with {@code file} when known. */
		RECORDING_STARTED,
		/** MixMonitor stopped (MixMonitorStop). */
		RECORDING_STOPPED,
		/** The client pressed a key (DTMFEnd). */
		DTMF,
		/** A channel hung up (Hangup) with {@code cause} and {@code causeText}. */
		HANGUP

	}

}
