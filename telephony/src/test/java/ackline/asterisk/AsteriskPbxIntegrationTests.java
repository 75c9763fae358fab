package ackline.asterisk;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import ackline.call.AgentDial;
import ackline.call.IvrDial;
import ackline.call.PbxEvent;
import ackline.call.PbxEvent.Kind;
import ackline.call.PbxEvent.Leg;
import ackline.call.PbxUnavailableException;
import ackline.pbx.CallScript;
import ackline.pbx.SimulatedPbx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The real adapter (Asterisk-Java over TCP) against the simulated PBX: calls placed through AMI, their events as the
 * listener gets them, the recording the PBX writes, the IVR over FastAGI, and the link failing and coming back.
 */
class AsteriskPbxIntegrationTests {

	/** Generous: the simulator answers in well under a second; a slow CI machine must not fail these. */
	private static final Duration DEADLINE = ofSeconds(30);

	private static final String CLIENT = "+8613900139001";

	@TempDir
	Path spool;

	private SimulatedPbx simulator;

	private final RecordingListener listener = new RecordingListener();

	private AsteriskPbx pbx;

	private final List<AsteriskPbx> started = new java.util.ArrayList<>();

	@BeforeEach
	void startPbx() {
		simulator = new SimulatedPbx(SimulatedPbx.Settings.defaults()
			.withClientAnswerDelay(ofMillis(300))
			.withAgentAnswerDelay(ofMillis(100))
			.withPromptDuration(ofMillis(20))).start(0, spool);
		pbx = adapter(simulator.port(), listener);
		awaitConnected(pbx);
	}

	@AfterEach
	void stopAll() {
		started.forEach(AsteriskPbx::stop);
		if (simulator != null) {
			simulator.stop();
		}
	}

	@Test
	void anAnsweredAgentCallReportsItsTimelineAndLeavesItsRecording() throws IOException {
		simulator.script(CLIENT, CallScript.answerAfter(ofMillis(200)).hangUpAfter(ofMillis(500)));
		UUID callId = UUID.randomUUID();
		String recording = "ackline/2026/11/21/" + callId + ".wav";

		pbx.dialForAgent(agentDial(callId, recording, ofSeconds(10)));

		awaitKind(listener, callId, Kind.RECORDING_STOPPED);
		// Asterisk's order: the OriginateResponse of an async Originate comes once the agent answered, and the
		// recording starts before the client's leg exists
		assertThat(listener.kinds(callId)).containsExactly(Kind.CHANNEL_CREATED, Kind.RINGING, Kind.ANSWERED,
				Kind.ORIGINATE_RESPONSE, Kind.RECORDING_STARTED, Kind.CHANNEL_CREATED, Kind.DIAL_BEGIN, Kind.RINGING,
				Kind.ANSWERED, Kind.DIAL_END, Kind.BRIDGE_ENTER, Kind.BRIDGE_ENTER, Kind.BRIDGE_LEAVE,
				Kind.BRIDGE_LEAVE, Kind.HANGUP, Kind.HANGUP, Kind.RECORDING_STOPPED);
		assertThat(listener.of(callId)).filteredOn((event) -> event.kind() == Kind.RINGING)
			.extracting(PbxEvent::leg)
			.containsExactly(Leg.AGENT, Leg.CLIENT);
		assertThat(first(callId, Kind.ORIGINATE_RESPONSE).detail()).containsEntry("response", "Success");
		assertThat(first(callId, Kind.RECORDING_STARTED).detail()).containsEntry("file", recording);
		PbxEvent dialEnd = first(callId, Kind.DIAL_END);
		assertThat(dialEnd.detail()).containsEntry("dialStatus", "ANSWER");
		assertThat(dialEnd.leg()).isEqualTo(Leg.CLIENT);
		assertThat(listener.of(callId)).filteredOn((event) -> event.kind() == Kind.HANGUP)
			.extracting(PbxEvent::leg)
			.containsExactlyInAnyOrder(Leg.AGENT, Leg.CLIENT);
		assertThat(listener.of(callId)).filteredOn((event) -> event.kind() == Kind.HANGUP)
			.allSatisfy((hangup) -> assertThat(hangup.detail()).containsEntry("cause", "16"));
		Path file = pbx.settings().withRecordingsDir(spool).recordingPath(recording);
		assertThat(file).exists();
		assertThat(new String(Files.readAllBytes(file), 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
			.isEqualTo("RIFF");
	}

	@Test
	void aBusyClientEndsInDialStatusBusyAndCause17() {
		assertOutcome(CallScript.busy(), ofSeconds(10), "BUSY", "17");
	}

	@Test
	void aClientWhoDoesNotAnswerEndsInNoAnswer() {
		assertOutcome(CallScript.noAnswer(), ofSeconds(1), "NOANSWER", "19");
	}

	@Test
	void anInvalidNumberIsToldApartByCause1() {
		// Asterisk's DialEnd reads NOANSWER for every failure but busy, congestion and no route
		// (ast_hangup_cause_to_dial_status): the Hangup cause says the number does not exist
		assertOutcome(CallScript.invalidNumber(), ofSeconds(10), "NOANSWER", "1");
	}

	@Test
	void aCongestedNetworkEndsInCongestionAndCause34() {
		assertOutcome(CallScript.congestion(), ofSeconds(10), "CONGESTION", "34");
	}

	@Test
	void anAgentWhoDoesNotAnswerEndsInAFailedOriginateResponse() {
		simulator.script("agent1", CallScript.noAnswer());
		UUID callId = UUID.randomUUID();

		pbx.dialForAgent(new AgentDial(callId, "agent1", CLIENT, null, "ackline/" + callId + ".wav", ofSeconds(1),
				ofSeconds(10)));

		awaitKind(listener, callId, Kind.ORIGINATE_RESPONSE);
		PbxEvent response = first(callId, Kind.ORIGINATE_RESPONSE);
		assertThat(response.detail()).containsEntry("response", "Failure");
		assertThat(response.leg()).isEqualTo(Leg.AGENT);
		assertThat(listener.kinds(callId)).doesNotContain(Kind.DIAL_BEGIN, Kind.RECORDING_STARTED);
	}

	@Test
	void anIvrCallPlaysTheScriptAndReportsTheKeyPressed() {
		UUID callId = UUID.randomUUID();
		listener.scripts.put(callId, RecordingListener.pressOne(2));
		simulator.script(CLIENT, CallScript.answerAfter(ofMillis(200)).pressDigits("1"));
		String recording = "ackline/ivr/" + callId + ".wav";

		pbx.dialIvr(new IvrDial(callId, CLIENT, null, recording, ofSeconds(10)));

		await().atMost(DEADLINE).until(() -> !listener.digits.isEmpty());
		assertThat(listener.digits).extracting(RecordingListener.Digits::callId, RecordingListener.Digits::digits)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(callId, "1"));
		awaitKind(listener, callId, Kind.RECORDING_STOPPED);
		assertThat(listener.of(callId)).filteredOn((event) -> event.kind() == Kind.DTMF)
			.extracting((event) -> event.detail().get("digit"))
			.containsExactly("1");
		assertThat(listener.of(callId)).extracting(PbxEvent::leg).containsOnly(Leg.CLIENT);
		assertThat(listener.kinds(callId)).contains(Kind.ORIGINATE_RESPONSE, Kind.ANSWERED, Kind.RECORDING_STARTED,
				Kind.HANGUP);
		assertThat(pbx.settings().withRecordingsDir(spool).recordingPath(recording)).exists();
	}

	@Test
	void hangupEndsTheCallOnBothLegs() {
		UUID callId = UUID.randomUUID();
		pbx.dialForAgent(agentDial(callId, "ackline/" + callId + ".wav", ofSeconds(10)));
		awaitKind(listener, callId, Kind.BRIDGE_ENTER);
		assertThat(pbx.activeCalls()).contains(callId);

		pbx.hangup(callId);

		await().atMost(DEADLINE)
			.until(() -> listener.of(callId).stream().filter((event) -> event.kind() == Kind.HANGUP).count() == 2);
		await().atMost(DEADLINE).until(() -> !pbx.activeCalls().contains(callId));
	}

	@Test
	void aRestartedNodeFindsAndEndsACallAnotherNodePlaced() {
		UUID callId = UUID.randomUUID();
		pbx.dialForAgent(agentDial(callId, "ackline/" + callId + ".wav", ofSeconds(10)));
		awaitKind(listener, callId, Kind.BRIDGE_ENTER);

		RecordingListener freshListener = new RecordingListener();
		AsteriskPbx fresh = adapter(simulator.port(), freshListener);
		awaitConnected(fresh);
		assertThat(fresh.activeCalls()).contains(callId);
		fresh.hangup(callId);

		await().atMost(DEADLINE).until(() -> !fresh.activeCalls().contains(callId));
		awaitKind(listener, callId, Kind.HANGUP);
	}

	@Test
	void twoAdaptersOnOnePbxBothSeeEveryEvent() {
		RecordingListener otherListener = new RecordingListener();
		AsteriskPbx other = adapter(simulator.port(), otherListener);
		awaitConnected(other);
		simulator.script(CLIENT, CallScript.answerAfter(ofMillis(100)).hangUpAfter(ofMillis(300)));
		UUID callId = UUID.randomUUID();

		pbx.dialForAgent(agentDial(callId, "ackline/" + callId + ".wav", ofSeconds(10)));

		awaitKind(listener, callId, Kind.RECORDING_STOPPED);
		awaitKind(otherListener, callId, Kind.RECORDING_STOPPED);
		assertThat(otherListener.of(callId)).extracting(PbxEvent::key)
			.containsExactlyElementsOf(listener.of(callId).stream().map(PbxEvent::key).toList());
		assertThat(otherListener.of(callId)).extracting(PbxEvent::leg)
			.containsExactlyElementsOf(listener.of(callId).stream().map(PbxEvent::leg).toList());
	}

	@Test
	void aStoppedAndRestartedPbxIsReconnectedToByItself() {
		int port = simulator.port();
		simulator.stop();

		await().atMost(DEADLINE).until(() -> listener.connectionChanges.equals(List.of(true, false)));
		assertThat(pbx.isConnected()).isFalse();
		assertThatThrownBy(() -> pbx.dialForAgent(agentDial(UUID.randomUUID(), "x.wav", ofSeconds(10))))
			.isInstanceOf(PbxUnavailableException.class);
		assertThatThrownBy(pbx::activeCalls).isInstanceOf(PbxUnavailableException.class);

		simulator.start(port, spool);

		await().atMost(DEADLINE).until(() -> listener.connectionChanges.equals(List.of(true, false, true)));
		assertThat(pbx.isConnected()).isTrue();
		assertThat(pbx.activeCalls()).isEmpty();
	}

	@Test
	void aPbxThatIsDownAtStartIsConnectedToWhenItComes() throws IOException {
		int port = freePort();
		RecordingListener lateListener = new RecordingListener();
		AsteriskPbx early = adapter(port, lateListener);
		assertThat(early.isRunning()).isTrue();
		assertThat(early.isConnected()).isFalse();

		SimulatedPbx late = new SimulatedPbx().start(port, spool);
		try {
			awaitConnected(early);
			assertThat(lateListener.connectionChanges).containsExactly(true);
		}
		finally {
			late.stop();
		}
	}

	@Test
	void refusedCredentialsAreRetriedUntilTheyAreAccepted() throws IOException {
		int port = freePort();
		SimulatedPbx strict = new SimulatedPbx(SimulatedPbx.Settings.defaults().withManager("ackline", "other"))
			.start(port, spool);
		RecordingListener refusedListener = new RecordingListener();
		AsteriskPbx refused = adapter(port, refusedListener);
		try {
			await().during(ofSeconds(1)).atMost(DEADLINE).until(() -> !refused.isConnected());
			assertThat(refusedListener.connectionChanges).isEmpty();
		}
		finally {
			strict.stop();
		}
		SimulatedPbx fixed = new SimulatedPbx().start(port, spool);
		try {
			awaitConnected(refused);
		}
		finally {
			fixed.stop();
		}
	}

	@Test
	void aLinkThatGoesSilentIsFoundByPingAndReplaced() throws IOException {
		try (FreezableProxy proxy = new FreezableProxy(simulator.port())) {
			RecordingListener proxiedListener = new RecordingListener();
			AsteriskPbx proxied = adapter(proxy.port(), proxiedListener);
			awaitConnected(proxied);

			proxy.freeze();
			await().atMost(DEADLINE).until(() -> proxiedListener.connectionChanges.equals(List.of(true, false)));
			proxy.thaw();

			await().atMost(DEADLINE).until(() -> proxiedListener.connectionChanges.equals(List.of(true, false, true)));
			assertThat(proxied.activeCalls()).isEmpty();
		}
	}

	private void assertOutcome(CallScript script, Duration clientRingTimeout, String dialStatus, String cause) {
		simulator.script(CLIENT, script);
		UUID callId = UUID.randomUUID();

		pbx.dialForAgent(agentDial(callId, "ackline/" + callId + ".wav", clientRingTimeout));

		await().atMost(DEADLINE)
			.until(() -> listener.of(callId).stream().filter((event) -> event.kind() == Kind.HANGUP).count() == 2);
		assertThat(first(callId, Kind.DIAL_END).detail()).containsEntry("dialStatus", dialStatus);
		PbxEvent clientHangup = listener.of(callId)
			.stream()
			.filter((event) -> event.kind() == Kind.HANGUP && event.leg() == Leg.CLIENT)
			.findFirst()
			.orElseThrow();
		assertThat(clientHangup.detail()).containsEntry("cause", cause);
		assertThat(listener.kinds(callId)).doesNotContain(Kind.BRIDGE_ENTER);
	}

	private AgentDial agentDial(UUID callId, String recording, Duration clientRingTimeout) {
		return new AgentDial(callId, "agent1", CLIENT, "\"Ackline\" <95555>", recording, ofSeconds(10),
				clientRingTimeout);
	}

	private PbxEvent first(UUID callId, Kind kind) {
		return listener.of(callId).stream().filter((event) -> event.kind() == kind).findFirst().orElseThrow();
	}

	private AsteriskPbx adapter(int port, RecordingListener to) {
		AsteriskPbx adapter = new AsteriskPbx(AsteriskSettings.defaults("127.0.0.1", port)
			.withAgi("127.0.0.1", 0, "agi://127.0.0.1:0/notice-ack")
			.withTimings(ofMillis(100), ofMillis(500), ofMillis(500), ofSeconds(2)), to);
		adapter.start();
		started.add(adapter);
		return adapter;
	}

	private static void awaitConnected(AsteriskPbx adapter) {
		await().atMost(DEADLINE).until(adapter::isConnected);
	}

	private static void awaitKind(RecordingListener listener, UUID callId, Kind kind) {
		await().atMost(DEADLINE).until(() -> listener.kinds(callId).contains(kind));
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
