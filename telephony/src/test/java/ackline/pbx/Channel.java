package ackline.pbx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A simulated Asterisk channel: what its snapshot in every channel event says (Channel, ChannelState ... Linkedid,
 * ChanVariable) and what CoreShowChannels lists. Mutated only by the thread of the call that owns it, read by any.
 */
final class Channel {

	/** ast_channel_state values and the names manager.c prints for them. */
	static final int DOWN = 0;

	static final int RING = 4;

	static final int RINGING = 5;

	static final int UP = 6;

	/** The variable listed by manager.conf's {@code channelvars}, shown on every channel event. */
	static final String CALL_ID_VARIABLE = "ACKLINE_CALL_ID";

	final String name;

	final String uniqueId;

	final String linkedId;

	final long createdNanos = System.nanoTime();

	final CallFlow call;

	/** The MixMonitors running on the channel. */
	final List<Recording> recordings = new CopyOnWriteArrayList<>();

	private final Map<String, String> variables = new LinkedHashMap<>();

	/** Inheritance of each variable: 1 for {@code _NAME} (one generation), 2 for {@code __NAME} (every generation). */
	private final Map<String, Integer> inheritance = new LinkedHashMap<>();

	volatile int state = DOWN;

	volatile String callerIdNum = "<unknown>";

	volatile String callerIdName = "<unknown>";

	volatile String connectedLineNum = "<unknown>";

	volatile String connectedLineName = "<unknown>";

	volatile String language = "zh";

	volatile String accountCode = "";

	volatile String context;

	volatile String exten;

	volatile int priority = 1;

	volatile String application = "";

	volatile String applicationData = "";

	volatile String bridgeId = "";

	volatile boolean hungUp;

	Channel(String name, String uniqueId, String linkedId, CallFlow call, String context, String exten) {
		this.name = name;
		this.uniqueId = uniqueId;
		this.linkedId = linkedId;
		this.call = call;
		this.context = context;
		this.exten = exten;
	}

	static String stateDesc(int state) {
		return switch (state) {
			case 0 -> "Down";
			case 1 -> "Rsrvd";
			case 2 -> "OffHook";
			case 3 -> "Dialing";
			case 4 -> "Ring";
			case 5 -> "Ringing";
			case 6 -> "Up";
			case 7 -> "Busy";
			case 8 -> "Dialing Offhook";
			case 9 -> "Pre-ring";
			default -> "Unknown";
		};
	}

	/**
	 * Sets a variable as pbx_builtin_setvar_helper does: leading underscores mark inheritance and are not part of the
	 * name.
	 * @return the name without its underscores
	 */
	synchronized String setVariable(String rawName, String value) {
		String name = rawName;
		int level = 0;
		while (name.startsWith("_") && level < 2) {
			name = name.substring(1);
			level++;
		}
		this.variables.put(name, value);
		if (level > 0) {
			this.inheritance.put(name, level);
		}
		else {
			this.inheritance.remove(name);
		}
		return name;
	}

	synchronized String variable(String name) {
		return this.variables.get(name);
	}

	/** Copies inheritable variables to a channel this one dials, as ast_channel_inherit_variables does. */
	synchronized void inheritTo(Channel child) {
		for (Map.Entry<String, Integer> entry : this.inheritance.entrySet()) {
			String value = this.variables.get(entry.getKey());
			if (entry.getValue() == 2) {
				child.setVariable("__" + entry.getKey(), value);
			}
			else {
				child.setVariable(entry.getKey(), value);
			}
		}
	}

	String callId() {
		String value = variable(CALL_ID_VARIABLE);
		return value == null ? "" : value;
	}

	/** Appends the channel snapshot as manager.c's ast_manager_build_channel_state_string_prefix writes it. */
	AmiMessage snapshot(AmiMessage message, String prefix) {
		message.add(prefix + "Channel", this.name)
			.add(prefix + "ChannelState", this.state)
			.add(prefix + "ChannelStateDesc", stateDesc(this.state))
			.add(prefix + "CallerIDNum", this.callerIdNum)
			.add(prefix + "CallerIDName", this.callerIdName)
			.add(prefix + "ConnectedLineNum", this.connectedLineNum)
			.add(prefix + "ConnectedLineName", this.connectedLineName)
			.add(prefix + "Language", this.language)
			.add(prefix + "AccountCode", this.accountCode)
			.add(prefix + "Context", this.context)
			.add(prefix + "Exten", this.exten)
			.add(prefix + "Priority", this.priority)
			.add(prefix + "Uniqueid", this.uniqueId)
			.add(prefix + "Linkedid", this.linkedId)
			.add(prefix + "ChanVariable", CALL_ID_VARIABLE + "=" + callId());
		return message;
	}

	/** The time since the channel was created, as CoreShowChannel's Duration prints it. */
	String duration() {
		long seconds = (System.nanoTime() - this.createdNanos) / 1_000_000_000L;
		return String.format("%02d:%02d:%02d", seconds / 3600, (seconds / 60) % 60, seconds % 60);
	}

	@Override
	public String toString() {
		return this.name;
	}

}
