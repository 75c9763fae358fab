package ackline.asterisk;

import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.asteriskjava.manager.event.BridgeEnterEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
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
 * Asterisk-Java event objects filled as its parser fills them from what Asterisk 20 sends for Ackline's calls
 * (fields per Asterisk's AMI event documentation; {@code ChanVariable} from manager.conf {@code channelvars}).
 */
final class AmiFixtures {

	static final Object SOURCE = new Object();

	/** Asterisk's Timestamp of the first event; later events add a millisecond each. */
	static final double T0 = 1763712000.123456;

	private AmiFixtures() {
	}

	static NewChannelEvent newchannel(String channel, String uniqueId, String linkedId, UUID callId, double at) {
		NewChannelEvent event = stamp(new NewChannelEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedid(linkedId);
		event.setChannelState(0);
		event.setChannelStateDesc("Down");
		return event;
	}

	static NewStateEvent newstate(String channel, String uniqueId, String linkedId, UUID callId, int state,
			String description, String context, double at) {
		NewStateEvent event = stamp(new NewStateEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		event.setChannelState(state);
		event.setChannelStateDesc(description);
		event.setContext(context);
		return event;
	}

	static VarSetEvent varSet(String channel, String uniqueId, String linkedId, String variable, String value,
			String context, double at) {
		VarSetEvent event = stamp(new VarSetEvent(SOURCE), null, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		event.setVariable(variable);
		event.setValue(value);
		event.setContext(context);
		return event;
	}

	static OriginateResponseEvent originateResponse(UUID callId, String response, int reason, String channel,
			String uniqueId, String context, double at) {
		OriginateResponseEvent event = stamp(new OriginateResponseEvent(SOURCE), null, at);
		event.setActionId("ackline-" + callId);
		event.setResponse(response);
		event.setReason(reason);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setContext(context);
		return event;
	}

	static DialBeginEvent dialBegin(String channel, String uniqueId, String linkedId, UUID callId, String dest,
			String destUniqueId, double at) {
		DialBeginEvent event = stamp(new DialBeginEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		event.setDestChannel(dest);
		event.setDestUniqueId(destUniqueId);
		event.setDestLinkedId(linkedId);
		event.setDialString("8613900139001@carrier");
		return event;
	}

	static DialEndEvent dialEnd(String channel, String uniqueId, String linkedId, UUID callId, String dest,
			String destUniqueId, String status, double at) {
		DialEndEvent event = stamp(new DialEndEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		event.setDestChannel(dest);
		event.setDestUniqueId(destUniqueId);
		event.setDestLinkedId(linkedId);
		event.setDialStatus(status);
		return event;
	}

	static BridgeEnterEvent bridgeEnter(String channel, String uniqueId, String linkedId, UUID callId, double at) {
		BridgeEnterEvent event = stamp(new BridgeEnterEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		event.setBridgeUniqueId("c3d1a2b4-bridge");
		event.setBridgeType("basic");
		event.setBridgeNumChannels(2);
		return event;
	}

	static MixMonitorStartEvent mixMonitorStart(String channel, String uniqueId, String linkedId, UUID callId,
			double at) {
		MixMonitorStartEvent event = stamp(new MixMonitorStartEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		return event;
	}

	static MixMonitorStopEvent mixMonitorStop(String channel, String uniqueId, String linkedId, UUID callId,
			double at) {
		MixMonitorStopEvent event = stamp(new MixMonitorStopEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		return event;
	}

	static DtmfEndEvent dtmfEnd(String channel, String uniqueId, String linkedId, UUID callId, String digit,
			String direction, double at) {
		DtmfEndEvent event = stamp(new DtmfEndEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		event.setDigit(digit);
		event.setDirection(direction);
		event.setDurationMs(120);
		return event;
	}

	static HangupEvent hangup(String channel, String uniqueId, String linkedId, UUID callId, int cause,
			String causeText, double at) {
		HangupEvent event = stamp(new HangupEvent(SOURCE), callId, at);
		event.setChannel(channel);
		event.setUniqueId(uniqueId);
		event.setLinkedId(linkedId);
		event.setCause(cause);
		event.setCauseTxt(causeText);
		return event;
	}

	private static <E extends ManagerEvent> E stamp(E event, UUID callId, double at) {
		event.setTimestamp(at);
		event.setDateReceived(new Date());
		event.setPrivilege("call,all");
		Map<String, String> variables = new LinkedHashMap<>();
		if (callId != null) {
			variables.put("ACKLINE_CALL_ID", callId.toString());
		}
		event.setChanVariables(variables);
		return event;
	}

}
