package ackline.pbx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AMI Originate as the simulator understands it: which channel to call, where the answered channel goes in the
 * dialplan, and what to set on it.
 * @param actionId the client's ActionID, echoed in the response and in OriginateResponse
 * @param channel the Channel header as given, e.g. {@code PJSIP/agent1} or {@code PJSIP/13900139001@carrier}
 * @param endpoint the PJSIP endpoint the channel is named after ({@code agent1}, {@code carrier})
 * @param party who the phone belongs to: the endpoint for an agent, the number for a trunk call
 * @param dialString what follows the technology, DialBegin's DialString
 * @param timeout how long the channel may ring
 * @param variables Variable headers split into name and value, in order
 * @param channelId the Uniqueid to give the channel (Asterisk 12+ ChannelId), or null
 */
record Originate(String actionId, String channel, String endpoint, String party, String dialString, String context,
		String exten, int priority, Duration timeout, String callerIdNum, String callerIdName, List<String[]> variables,
		String channelId, boolean async) {

	static final String AGENT_CONTEXT = "ackline-outbound";

	static final String IVR_CONTEXT = "ackline-ivr";

	private static final Pattern CALLER_ID = Pattern.compile("^\\s*\"?([^\"<]*?)\"?\\s*<([^>]*)>\\s*$");

	/** Thrown with the Message Asterisk's manager answers a bad Originate with. */
	static final class Invalid extends Exception {

		Invalid(String message) {
			super(message, null, false, false);
		}

	}

	static Originate parse(AmiMessage action) throws Invalid {
		String channel = action.get("Channel", null);
		if (channel == null) {
			throw new Invalid("Channel not specified");
		}
		int slash = channel.indexOf('/');
		if (slash <= 0 || slash == channel.length() - 1) {
			throw new Invalid("Invalid channel");
		}
		String resource = channel.substring(slash + 1);
		int at = resource.indexOf('@');
		String party = at >= 0 ? resource.substring(0, at) : resource;
		String endpoint = at >= 0 ? resource.substring(at + 1) : resource;
		String context = action.get("Context", "default");
		String exten = action.get("Exten", "s");
		int priority;
		try {
			priority = Integer.parseInt(action.get("Priority", "1"));
		}
		catch (NumberFormatException ex) {
			throw new Invalid("Invalid priority");
		}
		if (action.get("Application") != null) {
			throw new Invalid("Originate to an application is not simulated; use Context, Exten and Priority");
		}
		if (!extensionExists(context, exten, priority)) {
			throw new Invalid("Extension does not exist.");
		}
		Duration timeout;
		try {
			timeout = Duration.ofMillis(Long.parseLong(action.get("Timeout", "30000")));
		}
		catch (NumberFormatException ex) {
			throw new Invalid("Invalid timeout");
		}
		String callerIdNum = null;
		String callerIdName = null;
		String callerId = action.get("CallerID", null);
		if (callerId != null) {
			Matcher matcher = CALLER_ID.matcher(callerId);
			if (matcher.matches()) {
				callerIdName = matcher.group(1).isBlank() ? null : matcher.group(1).trim();
				callerIdNum = matcher.group(2).isBlank() ? null : matcher.group(2).trim();
			}
			else {
				callerIdNum = callerId;
			}
		}
		List<String[]> variables = new ArrayList<>();
		for (String header : action.getAll("Variable")) {
			for (String assignment : splitArguments(header)) {
				int equals = assignment.indexOf('=');
				if (equals > 0) {
					variables.add(new String[] { assignment.substring(0, equals).trim(), assignment.substring(equals + 1) });
				}
			}
		}
		boolean async = isTrue(action.get("Async"));
		return new Originate(action.get("ActionID"), channel, endpoint, party, resource, context, exten, priority,
				timeout, callerIdNum, callerIdName, variables, action.get("ChannelId", null), async);
	}

	/** The committed dialplan: [ackline-outbound] exten _X. and [ackline-ivr] exten s, both from priority 1. */
	static boolean extensionExists(String context, String exten, int priority) {
		if (priority < 1 || priority > 4) {
			return false;
		}
		if (AGENT_CONTEXT.equals(context)) {
			return exten.length() >= 2 && Character.isDigit(exten.charAt(0));
		}
		return IVR_CONTEXT.equals(context) && "s".equals(exten);
	}

	SimulatedPbx.PhoneCall.Kind kind() {
		return IVR_CONTEXT.equals(this.context) ? SimulatedPbx.PhoneCall.Kind.IVR : SimulatedPbx.PhoneCall.Kind.AGENT;
	}

	/** Splits a Variable header on commas outside quotes, as the manager's AST_STANDARD_APP_ARGS does. */
	private static List<String> splitArguments(String value) {
		List<String> parts = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		boolean quoted = false;
		for (char c : value.toCharArray()) {
			if (c == '"') {
				quoted = !quoted;
			}
			else if (c == ',' && !quoted) {
				parts.add(current.toString());
				current.setLength(0);
				continue;
			}
			current.append(c);
		}
		parts.add(current.toString());
		return parts;
	}

	static boolean isTrue(String value) {
		if (value == null) {
			return false;
		}
		String v = value.trim().toLowerCase(Locale.ROOT);
		return v.equals("true") || v.equals("yes") || v.equals("1") || v.equals("on") || v.equals("y") || v.equals("t");
	}

}
