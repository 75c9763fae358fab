package ackline.pbx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ackline.pbx.RawAmiClient.Packet;

import static org.assertj.core.api.Assertions.assertThat;

/** The manager protocol spoken to a client written from the protocol alone (no Asterisk-Java). */
class SimulatedPbxRawAmiTests {

	private static final String CLIENT = "8613900139001";

	private static final String TIMESTAMP = "\\d{10}\\.\\d{6}";

	@TempDir
	Path spool;

	private SimulatedPbx pbx;

	@BeforeEach
	void start() {
		this.pbx = new SimulatedPbx(SimulatedPbx.Settings.defaults()
			.withAgentAnswerDelay(Duration.ofMillis(50))
			.withClientAnswerDelay(Duration.ofMillis(100))).start(0, this.spool);
	}

	@AfterEach
	void stop() {
		this.pbx.stop();
	}

	@Test
	void anyManagerClientLogsInOriginatesFollowsTheWholeCallListsItsChannelsAndHangsItUp() throws IOException {
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port())) {
			assertThat(ami.banner()).isEqualTo("Asterisk Call Manager/9.0.0");
			ami.send("Action", "Login", "ActionID", "login-1", "Username", "ackline", "Secret", "ackline");
			Packet login = ami.response("login-1");
			assertThat(login.get("Response")).isEqualTo("Success");
			assertThat(login.get("Message")).isEqualTo("Authentication accepted");

			List<SimulatedPbx.Originated> accepted = new CopyOnWriteArrayList<>();
			this.pbx.onOriginate(accepted::add);
			UUID callId = UUID.randomUUID();
			String recording = "ackline/2026/11/21/" + callId + ".wav";
			ami.send("Action", "Originate", "ActionID", "ackline-" + callId, "Channel", "PJSIP/agent1", "Context",
					"ackline-outbound", "Exten", CLIENT, "Priority", "1", "Timeout", "30000", "CallerID",
					"Ackline <4008001234>", "Async", "true", "Variable", "__ACKLINE_CALL_ID=" + callId, "Variable",
					"ACKLINE_RECORDING=" + recording, "Variable", "ACKLINE_CLIENT_TIMEOUT=30");
			List<Packet> setUp = ami.until(p -> p.isEvent("BridgeEnter") && "2".equals(p.get("BridgeNumChannels")),
					"the second BridgeEnter");

			assertThat(accepted).as("the originate listener").singleElement().satisfies(o -> {
				assertThat(o.channel()).isEqualTo("PJSIP/agent1");
				assertThat(o.party()).isEqualTo("agent1");
				assertThat(o.callId()).isEqualTo(callId.toString());
			});
			Packet queued = setUp.stream().filter(p -> p.get("Response") != null).findFirst().orElseThrow();
			assertThat(queued.get("ActionID")).isEqualTo("ackline-" + callId);
			assertThat(queued.get("Message")).isEqualTo("Originate successfully queued");
			List<Packet> events = setUp.stream().filter(p -> p.event() != null && !p.isEvent("FullyBooted")).toList();
			assertThat(events).extracting(Packet::event)
				.containsExactly("Newchannel", "VarSet", "VarSet", "VarSet", "DialBegin", "Newstate", "Newstate",
						"DialEnd", "OriginateResponse", "Newexten", "Newexten", "MixMonitorStart", "Newexten",
						"Newchannel", "DialBegin", "Newstate", "Newstate", "DialEnd", "BridgeCreate", "BridgeEnter",
						"BridgeEnter");
			for (Packet event : events) {
				assertThat(event.keys()).as(event.event()).startsWith("Event", "Privilege", "Timestamp");
				assertThat(event.get("Timestamp")).matches(TIMESTAMP);
			}

			Packet agentChannel = events.get(0);
			String agent = agentChannel.get("Channel");
			String agentId = agentChannel.get("Uniqueid");
			assertThat(agent).matches("PJSIP/agent1-[0-9a-f]{8}");
			assertThat(agentChannel.keys()).containsSubsequence("Channel", "ChannelState", "ChannelStateDesc",
					"CallerIDNum", "CallerIDName", "ConnectedLineNum", "ConnectedLineName", "Language", "AccountCode",
					"Context", "Exten", "Priority", "Uniqueid", "Linkedid", "ChanVariable");
			assertThat(agentChannel.get("Linkedid")).isEqualTo(agentId);
			assertThat(agentChannel.get("ChanVariable")).as("variables are set after the channel exists")
				.isEqualTo("ACKLINE_CALL_ID=");
			assertThat(events.subList(1, events.size()))
				.filteredOn(p -> agent.equals(p.get("Channel")) && !p.isEvent("OriginateResponse"))
				.allSatisfy(p -> assertThat(p.get("ChanVariable")).isEqualTo("ACKLINE_CALL_ID=" + callId));
			assertThat(events.get(5).get("ChannelStateDesc")).isEqualTo("Ringing");
			assertThat(events.get(6).get("ChannelStateDesc")).isEqualTo("Up");

			Packet originated = events.get(8);
			assertThat(originated.get("ActionID")).isEqualTo("ackline-" + callId);
			assertThat(originated.get("Response")).isEqualTo("Success");
			assertThat(originated.get("Reason")).isEqualTo("4");
			assertThat(originated.get("Channel")).isEqualTo(agent);
			assertThat(originated.get("Uniqueid")).isEqualTo(agentId);

			assertThat(events.get(10).get("AppData")).isEqualTo(recording);
			assertThat(events.get(11).get("Channel")).as("MixMonitor records the agent leg before the client exists")
				.isEqualTo(agent);
			Packet clientChannel = events.get(13);
			String client = clientChannel.get("Channel");
			assertThat(client).matches("PJSIP/carrier-[0-9a-f]{8}");
			assertThat(clientChannel.get("Linkedid")).isEqualTo(agentId);
			Packet dialBegin = events.get(14);
			assertThat(dialBegin.get("Channel")).isEqualTo(agent);
			assertThat(dialBegin.get("DestChannel")).isEqualTo(client);
			assertThat(dialBegin.get("DialString")).isEqualTo(CLIENT + "@carrier");
			assertThat(dialBegin.get("DestChanVariable")).isEqualTo("ACKLINE_CALL_ID=" + callId);
			assertThat(events.get(17).get("DialStatus")).isEqualTo("ANSWER");
			String bridge = events.get(18).get("BridgeUniqueid");
			assertThat(events.subList(19, 21)).extracting(p -> p.get("BridgeUniqueid")).containsOnly(bridge);
			assertThat(events.subList(19, 21)).extracting(p -> p.get("Channel")).containsExactly(agent, client);

			ami.send("Action", "CoreShowChannels", "ActionID", "list-1");
			List<Packet> listing = ami.until(p -> p.isEvent("CoreShowChannelsComplete"), "CoreShowChannelsComplete");
			assertThat(listing.get(0).get("Response")).isEqualTo("Success");
			assertThat(listing.get(0).get("EventList")).isEqualTo("start");
			assertThat(listing.get(0).get("Message")).isEqualTo("Channels will follow");
			List<Packet> channels = listing.stream().filter(p -> p.isEvent("CoreShowChannel")).toList();
			assertThat(channels).extracting(p -> p.get("Channel")).containsExactlyInAnyOrder(agent, client);
			assertThat(channels).allSatisfy(channel -> {
				assertThat(channel.get("ActionID")).isEqualTo("list-1");
				assertThat(channel.get("Linkedid")).isEqualTo(agentId);
				assertThat(channel.get("BridgeId")).isEqualTo(bridge);
				assertThat(channel.get("ChanVariable")).isEqualTo("ACKLINE_CALL_ID=" + callId);
				assertThat(channel.get("Duration")).matches("\\d\\d:\\d\\d:\\d\\d");
				assertThat(channel.get("ChannelStateDesc")).isEqualTo("Up");
			});
			assertThat(channels).extracting(p -> p.get("Application")).containsExactlyInAnyOrder("Dial", "AppDial");
			Packet complete = listing.get(listing.size() - 1);
			assertThat(complete.get("EventList")).isEqualTo("Complete");
			assertThat(complete.get("ListItems")).isEqualTo("2");
			assertThat(complete.get("ActionID")).isEqualTo("list-1");

			ami.send("Action", "Hangup", "ActionID", "hangup-1", "Channel", "/^PJSIP\\/agent1-/");
			assertThat(ami.response("hangup-1").get("Message")).isEqualTo("Channels hung up: 1");
			List<Packet> ending = ami.until(p -> p.isEvent("MixMonitorStop"), "MixMonitorStop");
			assertThat(ending).extracting(Packet::event)
				.containsExactly("SoftHangupRequest", "BridgeLeave", "BridgeLeave", "BridgeDestroy", "Hangup", "Hangup",
						"MixMonitorStop");
			assertThat(ending.get(4).get("Channel")).isEqualTo(client);
			assertThat(ending.get(5).get("Channel")).isEqualTo(agent);
			assertThat(ending.get(5).get("Cause")).isEqualTo("16");
			assertThat(ending.get(5).get("Cause-txt")).isEqualTo("Normal Clearing");
			assertThat(this.spool.resolve(recording)).as("written before MixMonitorStop").isRegularFile();

			ami.send("Action", "Logoff", "ActionID", "bye");
			assertThat(ami.response("bye").get("Response")).isEqualTo("Goodbye");
			assertThat(ami.awaitClosed()).isTrue();
		}
	}

	@Test
	void md5ChallengeLoginWorksAndAWrongSecretIsRefusedAndDisconnected() throws Exception {
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port())) {
			ami.send("Action", "Challenge", "ActionID", "c1", "AuthType", "MD5");
			String challenge = ami.response("c1").get("Challenge");
			assertThat(challenge).matches("\\d+");
			ami.send("Action", "Login", "ActionID", "l1", "Username", "ackline", "AuthType", "MD5", "Key",
					ManagerActions.md5Hex(challenge + "ackline"));
			assertThat(ami.response("l1").get("Message")).isEqualTo("Authentication accepted");
		}
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port())) {
			ami.send("Action", "Login", "ActionID", "l2", "Username", "ackline", "Secret", "wrong");
			Packet refused = ami.response("l2");
			assertThat(refused.get("Response")).isEqualTo("Error");
			assertThat(refused.get("Message")).isEqualTo("Authentication failed");
			assertThat(ami.awaitClosed()).isTrue();
		}
	}

	@Test
	void actionsNeedALoginUnknownOnesAreErrorsAndEveryResponseEchoesTheActionId() throws IOException {
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port())) {
			ami.send("Action", "Ping", "ActionID", "early");
			assertThat(ami.response("early").get("Message")).isEqualTo("Permission denied");
			ami.send("Action", "Login", "ActionID", "l", "Username", "ackline", "Secret", "ackline");
			ami.response("l");

			ami.send("Action", "Ping", "ActionID", "p");
			Packet pong = ami.response("p");
			assertThat(pong.get("Response")).isEqualTo("Success");
			assertThat(pong.get("Ping")).isEqualTo("Pong");
			assertThat(pong.get("Timestamp")).matches(TIMESTAMP);

			ami.send("Action", "MakeCoffee", "ActionID", "x");
			Packet unknown = ami.response("x");
			assertThat(unknown.get("Response")).isEqualTo("Error");
			assertThat(unknown.get("Message")).isEqualTo("Invalid/unknown command");

			ami.send("Action", "Hangup", "ActionID", "h", "Channel", "PJSIP/nobody-00000099");
			assertThat(ami.response("h").get("Message")).isEqualTo("No such channel");

			ami.send("Action", "Originate", "ActionID", "o", "Channel", "PJSIP/agent1", "Context", "from-internal",
					"Exten", "100", "Priority", "1", "Async", "true");
			assertThat(ami.response("o").get("Message")).isEqualTo("Extension does not exist.");

			ami.send("Action", "Command", "ActionID", "v", "Command", "core show version");
			Packet version = ami.response("v");
			assertThat(version.get("Message")).isEqualTo("Command output follows");
			assertThat(version.get("Output")).startsWith("Asterisk 20.");

			ami.send("Action", "CoreSettings", "ActionID", "s");
			assertThat(ami.response("s").get("AsteriskVersion")).isEqualTo(SimulatedPbx.ASTERISK_VERSION);
		}
	}

	@Test
	void getvarAndSetvarWorkOnALiveChannelAndEventsOffSilencesASession() throws IOException {
		this.pbx.script("13900139002", CallScript.noAnswer());
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port()); RawAmiClient quiet = new RawAmiClient(this.pbx.port())) {
			ami.send("Action", "Login", "ActionID", "l", "Username", "ackline", "Secret", "ackline");
			ami.response("l");
			quiet.send("Action", "Login", "ActionID", "q", "Username", "ackline", "Secret", "ackline", "Events", "off");
			quiet.response("q");

			ami.send("Action", "Originate", "ActionID", "o", "Channel", "PJSIP/13900139002@carrier", "Context",
					"ackline-ivr", "Exten", "s", "Priority", "1", "Async", "yes", "Variable", "__ACKLINE_CALL_ID=abc");
			String channel = ami.await(p -> p.isEvent("Newstate") && "Ringing".equals(p.get("ChannelStateDesc")),
					"the client ringing").get("Channel");
			assertThat(channel).startsWith("PJSIP/carrier-");

			ami.send("Action", "Getvar", "ActionID", "g", "Channel", channel, "Variable", "ACKLINE_CALL_ID");
			Packet value = ami.response("g");
			assertThat(value.get("Variable")).isEqualTo("ACKLINE_CALL_ID");
			assertThat(value.get("Value")).isEqualTo("abc");
			ami.send("Action", "Setvar", "ActionID", "s", "Channel", channel, "Variable", "NOTE", "Value", "hello");
			assertThat(ami.response("s").get("Response")).isEqualTo("Success");
			Packet varSet = ami.await(p -> p.isEvent("VarSet") && "NOTE".equals(p.get("Variable")), "VarSet NOTE");
			assertThat(varSet.get("Value")).isEqualTo("hello");

			ami.send("Action", "Hangup", "ActionID", "h", "Channel", channel, "Cause", "16");
			Packet hangup = ami.await(p -> p.isEvent("Hangup"), "Hangup");
			assertThat(hangup.get("Channel")).isEqualTo(channel);

			quiet.send("Action", "Ping", "ActionID", "qp");
			List<Packet> toQuiet = quiet.until(p -> "qp".equals(p.get("ActionID")), "the quiet ping");
			assertThat(toQuiet).extracting(Packet::event).containsOnlyNulls();
		}
	}

	@Test
	void aSynchronousOriginateAnswersOnceTheChannelAnsweredOrFailed() throws IOException {
		this.pbx.script("agent8", CallScript.busy());
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port())) {
			ami.send("Action", "Login", "ActionID", "l", "Username", "ackline", "Secret", "ackline");
			ami.response("l");

			ami.send("Action", "Originate", "ActionID", "sync-1", "Channel", "PJSIP/13900139007@carrier", "Context",
					"ackline-ivr", "Exten", "s", "Priority", "1");
			List<Packet> untilAnswer = ami.until(p -> "sync-1".equals(p.get("ActionID")) && p.get("Response") != null,
					"the Originate's response");
			assertThat(untilAnswer.get(untilAnswer.size() - 1).get("Message")).isEqualTo("Originate successfully queued");
			assertThat(untilAnswer).anyMatch(p -> p.isEvent("Newstate") && "Up".equals(p.get("ChannelStateDesc")));

			ami.send("Action", "Originate", "ActionID", "sync-2", "Channel", "PJSIP/agent8", "Context",
					"ackline-outbound", "Exten", CLIENT, "Priority", "1");
			Packet failed = ami.response("sync-2");
			assertThat(failed.get("Response")).isEqualTo("Error");
			assertThat(failed.get("Message")).isEqualTo("Originate failed");
			assertThat(ami.await(p -> p.isEvent("Hangup") && p.get("Channel").startsWith("PJSIP/agent8-"),
					"the agent's hangup").get("Cause")).isEqualTo("17");
			assertThat(ami.drain()).as("OriginateResponse is for asynchronous Originates only")
				.noneMatch(p -> p.isEvent("OriginateResponse"));

			ami.send("Action", "Originate", "ActionID", "async", "Channel", "PJSIP/agent8", "Context",
					"ackline-outbound", "Exten", CLIENT, "Priority", "1", "Async", "true");
			Packet reason = ami.await(p -> p.isEvent("OriginateResponse"), "the failed OriginateResponse");
			assertThat(reason.get("ActionID")).isEqualTo("async");
			assertThat(reason.get("Response")).isEqualTo("Failure");
			assertThat(reason.get("Reason")).as("busy").isEqualTo("5");
			assertThat(reason.get("Channel")).isEqualTo("PJSIP/agent8");
			assertThat(reason.get("Uniqueid")).isEqualTo("<null>");
		}
	}

	@Test
	void mixMonitorAndStopMixMonitorRecordAChannelOnRequest() throws Exception {
		this.pbx.script("13900139004", CallScript.noAnswer());
		Path file = this.spool.resolve("elsewhere/on-request.wav");
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port())) {
			ami.send("Action", "Login", "ActionID", "l", "Username", "ackline", "Secret", "ackline");
			ami.response("l");
			ami.send("Action", "Originate", "ActionID", "o", "Channel", "PJSIP/13900139004@carrier", "Context",
					"ackline-ivr", "Exten", "s", "Priority", "1", "Async", "true");
			String channel = ami.await(p -> p.isEvent("Newstate"), "the client ringing").get("Channel");

			ami.send("Action", "MixMonitor", "ActionID", "m", "Channel", channel, "File", file.toString());
			assertThat(ami.response("m").get("Response")).isEqualTo("Success");
			assertThat(ami.await(p -> p.isEvent("MixMonitorStart"), "MixMonitorStart").get("Channel")).isEqualTo(channel);
			ami.send("Action", "StopMixMonitor", "ActionID", "s", "Channel", channel);
			assertThat(ami.response("s").get("Response")).isEqualTo("Success");
			assertThat(ami.await(p -> p.isEvent("MixMonitorStop"), "MixMonitorStop").get("Channel")).isEqualTo(channel);
			try (var audio = javax.sound.sampled.AudioSystem.getAudioInputStream(file.toFile())) {
				assertThat(audio.getFormat().getSampleRate()).isEqualTo(8000f);
			}

			ami.send("Action", "StopMixMonitor", "ActionID", "x", "Channel", "PJSIP/nobody-00000001");
			assertThat(ami.response("x").get("Message")).isEqualTo("No such channel");
		}
	}

	@Test
	void aRestartDropsEveryConnectionAndForgetsEveryChannelWithoutHangupEvents() throws IOException {
		this.pbx.script("13900139003", CallScript.noAnswer());
		try (RawAmiClient ami = new RawAmiClient(this.pbx.port())) {
			ami.send("Action", "Login", "ActionID", "l", "Username", "ackline", "Secret", "ackline");
			ami.response("l");
			ami.send("Action", "Originate", "ActionID", "o", "Channel", "PJSIP/13900139003@carrier", "Context",
					"ackline-ivr", "Exten", "s", "Priority", "1", "Async", "true");
			ami.await(p -> p.isEvent("Newstate"), "the client ringing");

			this.pbx.restart();

			assertThat(ami.awaitClosed()).isTrue();
		}
		try (RawAmiClient again = new RawAmiClient(this.pbx.port())) {
			again.send("Action", "Login", "ActionID", "l", "Username", "ackline", "Secret", "ackline");
			again.response("l");
			again.send("Action", "CoreShowChannels", "ActionID", "c");
			Packet complete = again.await(p -> p.isEvent("CoreShowChannelsComplete"), "the empty listing");
			assertThat(complete.get("ListItems")).isEqualTo("0");
		}
		try (var files = Files.list(this.spool)) {
			assertThat(files).as("no recording was asked for").isEmpty();
		}
	}

}
