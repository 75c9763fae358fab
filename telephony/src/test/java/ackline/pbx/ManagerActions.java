package ackline.pbx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ackline.pbx.Recording.Sound;

/**
 * The manager actions the simulator answers, each as Asterisk 20's main/manager.c (and app_mixmonitor.c) answers
 * it: same Response, Message and fields, the ActionID echoed on every response. Before login only Login, Challenge
 * and Logoff are allowed ({@code Permission denied}); an unknown action gets {@code Invalid/unknown command}.
 * https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/AMI_Actions/
 */
final class ManagerActions {

	private static final Logger log = LoggerFactory.getLogger(ManagerActions.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

	private final SimulatedPbx pbx;

	ManagerActions(SimulatedPbx pbx) {
		this.pbx = pbx;
	}

	void handle(AmiSession session, AmiMessage action) {
		if (log.isDebugEnabled()) {
			log.debug("{} sent {}", session, action.toString().strip().replace("\r\n", ", "));
		}
		String name = action.action();
		if (name == null) {
			session.send(error(action, "Missing action in request"));
			return;
		}
		if (!session.authenticated() && !name.equals("login") && !name.equals("challenge") && !name.equals("logoff")) {
			session.send(error(action, "Permission denied"));
			return;
		}
		try {
			switch (name) {
				case "login" -> login(session, action);
				case "challenge" -> challenge(session, action);
				case "logoff" -> {
					session.send(AmiMessage.response("Goodbye", action).add("Message", "Thanks for all the fish."));
					session.closeAfterFlush();
				}
				case "ping" -> session.send(success(action).add("Ping", "Pong").add("Timestamp", SimulatedPbx.timestamp()));
				case "events" -> events(session, action);
				case "coresettings" -> coreSettings(session, action);
				case "corestatus" -> coreStatus(session, action);
				case "command" -> command(session, action);
				case "originate" -> originate(session, action);
				case "hangup" -> hangup(session, action);
				case "coreshowchannels" -> coreShowChannels(session, action);
				case "getvar" -> getvar(session, action);
				case "setvar" -> setvar(session, action);
				case "mixmonitor" -> mixMonitor(session, action);
				case "stopmixmonitor" -> stopMixMonitor(session, action);
				default -> session.send(error(action, "Invalid/unknown command"));
			}
		}
		catch (RuntimeException ex) {
			log.warn("{} failed on {}", name, session, ex);
			session.send(error(action, "Internal error: " + ex.getMessage()));
		}
	}

	// ---------------------------------------------------------------- authentication

	private void challenge(AmiSession session, AmiMessage action) {
		String authType = action.get("AuthType", "");
		if (!authType.equalsIgnoreCase("MD5")) {
			session.send(error(action, "Must specify AuthType"));
			return;
		}
		if (session.challenge() == null) {
			session.challenge(String.valueOf(100_000_000 + RANDOM.nextInt(900_000_000)));
		}
		session.send(success(action).add("Challenge", session.challenge()));
	}

	/**
	 * Login with a plain Secret, or with AuthType MD5 and Key = md5hex(challenge + secret) after a Challenge. A wrong
	 * login is answered and the connection closed. A good one is followed by FullyBooted, as Asterisk sends it.
	 */
	private void login(AmiSession session, AmiMessage action) {
		if (session.authenticated()) {
			session.send(success(action).add("Message", "Already authenticated"));
			return;
		}
		String username = action.get("Username", "");
		boolean valid = username.equals(this.pbx.settings().managerUser()) && secretMatches(session, action);
		if (!valid) {
			log.info("Simulated PBX: failed AMI login for '{}'", username);
			session.send(error(action, "Authentication failed"));
			session.closeAfterFlush();
			return;
		}
		String events = action.get("Events");
		if (events != null && events.trim().equalsIgnoreCase("off")) {
			session.eventsOn(false);
		}
		session.send(success(action).add("Message", "Authentication accepted"));
		session.authenticated(username);
		if (session.eventsOn()) {
			long uptime = Duration.between(this.pbx.startedAt(), Instant.now()).toSeconds();
			session.send(new AmiMessage().add("Event", "FullyBooted")
				.add("Privilege", "system,all")
				.add("Uptime", uptime)
				.add("LastReload", uptime)
				.add("Status", "Fully Booted"));
		}
	}

	private boolean secretMatches(AmiSession session, AmiMessage action) {
		String secret = this.pbx.settings().managerSecret();
		String authType = action.get("AuthType", "");
		if (authType.equalsIgnoreCase("MD5")) {
			String key = action.get("Key", "");
			return session.challenge() != null && key.equalsIgnoreCase(md5Hex(session.challenge() + secret));
		}
		return secret.equals(action.get("Secret", ""));
	}

	private void events(AmiSession session, AmiMessage action) {
		String mask = action.get("EventMask", "on").toLowerCase(Locale.ROOT);
		boolean on = !mask.equals("off") && !mask.equals("none") && !mask.equals("false") && !mask.equals("no");
		session.eventsOn(on);
		session.send(success(action).add("Events", on ? "On" : "Off"));
	}

	// ---------------------------------------------------------------- about the PBX

	private void coreSettings(AmiSession session, AmiMessage action) {
		session.send(success(action).add("AMIversion", "9.0.0")
			.add("AsteriskVersion", SimulatedPbx.ASTERISK_VERSION)
			.add("SystemName", "")
			.add("CoreMaxCalls", 0)
			.add("CoreMaxLoadAvg", "0.000000")
			.add("CoreRunUser", "asterisk")
			.add("CoreRunGroup", "asterisk")
			.add("CoreMaxFilehandles", 0)
			.add("CoreRealTimeEnabled", "No")
			.add("CoreCDRenabled", "Yes")
			.add("CoreHTTPenabled", "No")
			.add("SoundsSearchCustomDir", "No"));
	}

	private void coreStatus(AmiSession session, AmiMessage action) {
		ZoneId zone = ZoneId.systemDefault();
		Instant started = this.pbx.startedAt();
		session.send(success(action).add("CoreStartupDate", DATE.format(started.atZone(zone)))
			.add("CoreStartupTime", TIME.format(started.atZone(zone)))
			.add("CoreReloadDate", DATE.format(started.atZone(zone)))
			.add("CoreReloadTime", TIME.format(started.atZone(zone)))
			.add("CoreCurrentCalls", this.pbx.channels().size()));
	}

	/** The CLI through AMI, in the Asterisk 14+ form: {@code Output:} lines, Error for an unknown command. */
	private void command(AmiSession session, AmiMessage action) {
		String command = action.get("Command", "").replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
		List<String> output = new ArrayList<>();
		boolean known = true;
		switch (command) {
			case "core show version" -> output.add("Asterisk " + SimulatedPbx.ASTERISK_VERSION
					+ " built by ackline @ simulated on a x86_64 running Linux on 2026-11-21 00:00:00 UTC");
			case "core show uptime", "core show uptime seconds" -> {
				long uptime = Duration.between(this.pbx.startedAt(), Instant.now()).toSeconds();
				output.add("System uptime: " + uptime + " seconds");
				output.add("Last reload: " + uptime + " seconds");
			}
			case "core show channels", "core show channels concise" -> {
				for (Channel channel : this.pbx.channels()) {
					output.add(channel.name + "!" + channel.context + "!" + channel.exten + "!" + channel.priority + "!"
							+ Channel.stateDesc(channel.state) + "!" + channel.application + "!"
							+ channel.applicationData);
				}
				if (command.equals("core show channels")) {
					output.add(this.pbx.channels().size() + " active channels");
				}
			}
			default -> {
				known = false;
				output.add("No such command '" + action.get("Command", "") + "' (type 'core show help "
						+ action.get("Command", "") + "' for other possible commands)");
			}
		}
		AmiMessage response = AmiMessage.response(known ? "Success" : "Error", action)
			.add("Message", "Command output follows");
		for (String line : output) {
			response.add("Output", line);
		}
		session.send(response);
	}

	// ---------------------------------------------------------------- calls

	/**
	 * Originate: checked as action_originate checks it (channel, priority, timeout, the extension exists), then
	 * Async answers {@code Originate successfully queued} at once and the call reports through OriginateResponse;
	 * without Async the answer waits for the originated channel to answer or fail.
	 */
	private void originate(AmiSession session, AmiMessage action) {
		Originate request;
		try {
			request = Originate.parse(action);
		}
		catch (Originate.Invalid ex) {
			session.send(error(action, ex.getMessage()));
			return;
		}
		if (request.async()) {
			session.send(success(action).add("Message", "Originate successfully queued"));
			this.pbx.originate(request);
			return;
		}
		CallFlow call = this.pbx.originate(request);
		try {
			boolean answered = call.awaitOriginated();
			session.send(answered ? success(action).add("Message", "Originate successfully queued")
					: error(action, "Originate failed"));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			session.send(error(action, "Originate failed"));
		}
	}

	/** Hangup: an exact channel name, or {@code /regex/} as Asterisk 13+ accepts; Cause optional (16). */
	private void hangup(AmiSession session, AmiMessage action) {
		String name = action.get("Channel", null);
		if (name == null) {
			session.send(error(action, "No channel specified"));
			return;
		}
		int cause = Causes.NORMAL_CLEARING;
		String causeHeader = action.get("Cause", null);
		if (causeHeader != null) {
			try {
				cause = Integer.parseInt(causeHeader);
			}
			catch (NumberFormatException ex) {
				session.send(error(action, "Invalid cause"));
				return;
			}
		}
		if (name.length() > 1 && name.startsWith("/") && name.endsWith("/")) {
			Pattern pattern;
			try {
				pattern = Pattern.compile(name.substring(1, name.length() - 1));
			}
			catch (PatternSyntaxException ex) {
				session.send(error(action, "Invalid regex"));
				return;
			}
			List<Channel> matched = new ArrayList<>();
			for (Channel channel : this.pbx.channels()) {
				if (pattern.matcher(channel.name).find()) {
					matched.add(channel);
				}
			}
			session.send(success(action).add("Message", "Channels hung up: " + matched.size()));
			for (Channel channel : matched) {
				this.pbx.hangup(channel, cause);
			}
			return;
		}
		Channel channel = this.pbx.channel(name);
		if (channel == null) {
			session.send(error(action, "No such channel"));
			return;
		}
		// the answer goes out before the hangup's events, as Asterisk's do (they pass through stasis first)
		session.send(success(action).add("Message", "Channel Hungup"));
		this.pbx.hangup(channel, cause);
	}

	/** CoreShowChannels: a list acknowledgement, one CoreShowChannel per channel, then CoreShowChannelsComplete. */
	private void coreShowChannels(AmiSession session, AmiMessage action) {
		String actionId = action.get("ActionID");
		session.send(success(action).add("EventList", "start").add("Message", "Channels will follow"));
		int count = 0;
		for (Channel channel : this.pbx.channels()) {
			AmiMessage event = AmiMessage.event("CoreShowChannel");
			if (actionId != null) {
				event.add("ActionID", actionId);
			}
			channel.snapshot(event, "")
				.add("BridgeId", channel.bridgeId)
				.add("Application", channel.application)
				.add("ApplicationData", channel.applicationData)
				.add("Duration", channel.duration());
			session.send(event);
			count++;
		}
		AmiMessage complete = AmiMessage.event("CoreShowChannelsComplete");
		if (actionId != null) {
			complete.add("ActionID", actionId);
		}
		session.send(complete.add("EventList", "Complete").add("ListItems", count));
	}

	private void getvar(AmiSession session, AmiMessage action) {
		String variable = action.get("Variable", null);
		if (variable == null) {
			session.send(error(action, "No variable specified"));
			return;
		}
		String channelName = action.get("Channel", null);
		String value = "";
		if (channelName != null) {
			Channel channel = this.pbx.channel(channelName);
			if (channel == null) {
				session.send(error(action, "No such channel"));
				return;
			}
			String found = channel.variable(variable);
			value = found == null ? "" : found;
		}
		session.send(success(action).add("Variable", variable).add("Value", value));
	}

	private void setvar(AmiSession session, AmiMessage action) {
		String variable = action.get("Variable", null);
		if (variable == null) {
			session.send(error(action, "No variable specified"));
			return;
		}
		String value = action.get("Value");
		String channelName = action.get("Channel", null);
		if (channelName != null) {
			Channel channel = this.pbx.channel(channelName);
			if (channel == null) {
				session.send(error(action, "No such channel"));
				return;
			}
			channel.setVariable(variable, value == null ? "" : value);
			session.send(success(action).add("Message", "Variable Set"));
			this.pbx.emit(channel.snapshot(this.pbx.event("VarSet", "dialplan,all"), "")
				.add("Variable", variable)
				.add("Value", value == null ? "" : value));
			return;
		}
		session.send(success(action).add("Message", "Variable Set"));
	}

	private void mixMonitor(AmiSession session, AmiMessage action) {
		Channel channel = channelFor(session, action);
		if (channel == null) {
			return;
		}
		String file = action.get("File", null);
		if (file == null) {
			file = "auto-" + System.currentTimeMillis() / 1000 + "-" + channel.uniqueId + ".wav";
		}
		this.pbx.startMixMonitor(channel, file, channel.state == Channel.UP ? Sound.TALK : Sound.RINGBACK);
		session.send(success(action));
	}

	private void stopMixMonitor(AmiSession session, AmiMessage action) {
		Channel channel = channelFor(session, action);
		if (channel == null) {
			return;
		}
		this.pbx.stopMixMonitors(channel);
		session.send(success(action));
	}

	private Channel channelFor(AmiSession session, AmiMessage action) {
		String name = action.get("Channel", null);
		if (name == null) {
			session.send(error(action, "No channel specified"));
			return null;
		}
		Channel channel = this.pbx.channel(name);
		if (channel == null) {
			session.send(error(action, "No such channel"));
		}
		return channel;
	}

	// ---------------------------------------------------------------- helpers

	private static AmiMessage success(AmiMessage action) {
		return AmiMessage.response("Success", action);
	}

	private static AmiMessage error(AmiMessage action, String message) {
		return AmiMessage.response("Error", action).add("Message", message);
	}

	static String md5Hex(String text) {
		try {
			MessageDigest md5 = MessageDigest.getInstance("MD5");
			return HexFormat.of().formatHex(md5.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("MD5 is missing from this JVM", ex);
		}
	}

}
