package ackline.pbx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.event.BridgeEnterEvent;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.HangupRequestEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.MixMonitorStartEvent;
import org.asteriskjava.manager.event.MixMonitorStopEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The simulator against the client the production adapter uses: Asterisk-Java's ManagerConnection logs in (MD5
 * challenge, as it does by default), originates asynchronously and receives every event as its typed class.
 */
class SimulatedPbxAsteriskJavaTests {

	private static final Duration PATIENCE = Duration.ofSeconds(15);

	@TempDir
	Path spool;

	private SimulatedPbx pbx;

	private final List<ManagerConnection> connections = new ArrayList<>();

	@BeforeEach
	void start() {
		this.pbx = new SimulatedPbx(SimulatedPbx.Settings.defaults()
			.withAgentAnswerDelay(Duration.ofMillis(50))
			.withClientAnswerDelay(Duration.ofMillis(100))).start(0, this.spool);
	}

	@AfterEach
	void stop() {
		for (ManagerConnection connection : this.connections) {
			if (connection.getState() == ManagerConnectionState.CONNECTED) {
				connection.logoff();
			}
		}
		this.pbx.stop();
	}

	@Test
	void asteriskJavaFollowsAnAgentCallFromOriginateToItsRecording() throws Exception {
		this.pbx.script("13900139001", CallScript.answerAfter(Duration.ofMillis(200)).hangUpAfter(Duration.ofSeconds(1)));
		List<ManagerEvent> events = new CopyOnWriteArrayList<>();
		ManagerConnection ami = connect(events);
		UUID callId = UUID.randomUUID();
		String recording = "ackline/2026/11/21/" + callId + ".wav";
		AtomicReference<ManagerResponse> queued = new AtomicReference<>();

		ami.sendAction(agentCall(callId, "agent1", "8613900139001", recording, "30"), queued::set);

		await().atMost(PATIENCE).until(() -> has(events, MixMonitorStopEvent.class));
		assertThat(queued.get().getResponse()).isEqualTo("Success");
		assertThat(queued.get().getMessage()).isEqualTo("Originate successfully queued");
		OriginateResponseEvent originated = only(events, OriginateResponseEvent.class);
		assertThat(originated.getActionId()).isEqualTo("ackline-" + callId);
		assertThat(originated.getResponse()).isEqualTo("Success");
		assertThat(originated.getReason()).isEqualTo(4);
		String agent = originated.getChannel();
		assertThat(agent).startsWith("PJSIP/agent1-");

		DialBeginEvent dialBegin = find(events, DialBeginEvent.class, e -> agent.equals(e.getChannel()));
		String client = dialBegin.getDestChannel();
		assertThat(client).startsWith("PJSIP/carrier-");
		assertThat(dialBegin.getDialString()).isEqualTo("8613900139001@carrier");
		assertThat(find(events, DialEndEvent.class, e -> agent.equals(e.getChannel())).getDialStatus())
			.isEqualTo("ANSWER");
		assertThat(all(events, BridgeEnterEvent.class)).extracting(BridgeEnterEvent::getChannel)
			.containsExactly(agent, client);
		assertThat(only(events, MixMonitorStartEvent.class).getChannel()).isEqualTo(agent);
		assertThat(all(events, HangupEvent.class)).extracting(HangupEvent::getChannel).containsExactly(client, agent);
		assertThat(all(events, HangupEvent.class)).allSatisfy(hangup -> {
			assertThat(hangup.getCause()).isEqualTo(16);
			assertThat(hangup.getCauseTxt()).isEqualTo("Normal Clearing");
			assertThat(hangup.getChannelVariables()).containsEntry("ACKLINE_CALL_ID", callId.toString());
		});
		assertThat(only(events, MixMonitorStopEvent.class).getChannel()).isEqualTo(agent);

		try (AudioInputStream audio = AudioSystem.getAudioInputStream(this.spool.resolve(recording).toFile())) {
			AudioFormat format = audio.getFormat();
			assertThat(format.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
			assertThat(format.getSampleRate()).isEqualTo(8000f);
			assertThat(format.getSampleSizeInBits()).isEqualTo(16);
			assertThat(format.getChannels()).isEqualTo(1);
			assertThat(audio.getFrameLength() / 8000.0).as("seconds recorded: the client rang, then talked for 1 s")
				.isGreaterThanOrEqualTo(1.2);
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "busy, BUSY, 17", "congestion, CONGESTION, 34", "noAnswer, NOANSWER, 19",
			"invalidNumber, NOANSWER, 1", "reject, NOANSWER, 21" })
	void aClientLegThatIsNotAnsweredEndsWithItsDialStatusAndCause(String outcome, String dialStatus, int cause)
			throws Exception {
		CallScript script = switch (outcome) {
			case "busy" -> CallScript.busy();
			case "congestion" -> CallScript.congestion();
			case "noAnswer" -> CallScript.noAnswer();
			case "invalidNumber" -> CallScript.invalidNumber();
			default -> CallScript.rejectAfter(Duration.ofMillis(100));
		};
		this.pbx.script("+86 139 0013 9009", script);
		List<ManagerEvent> events = new CopyOnWriteArrayList<>();
		ManagerConnection ami = connect(events);
		UUID callId = UUID.randomUUID();
		String recording = "ackline/" + callId + ".wav";

		ami.sendAction(agentCall(callId, "agent2", "8613900139009", recording, "1"), null);

		await().atMost(PATIENCE).until(() -> has(events, MixMonitorStopEvent.class));
		assertThat(only(events, OriginateResponseEvent.class).getResponse()).as("the agent answered")
			.isEqualTo("Success");
		DialEndEvent dialEnd = find(events, DialEndEvent.class, e -> e.getChannel() != null);
		assertThat(dialEnd.getDialStatus()).isEqualTo(dialStatus);
		List<HangupEvent> hangups = all(events, HangupEvent.class);
		assertThat(hangups).extracting(HangupEvent::getChannel)
			.containsExactly(dialEnd.getDestChannel(), dialEnd.getChannel());
		assertThat(hangups.get(0).getCause()).as("the client leg's cause").isEqualTo(cause);
		assertThat(hangups.get(1).getCause()).as("the agent leg: the client's cause, or Normal Clearing after a timeout")
			.isEqualTo(outcome.equals("noAnswer") ? 16 : cause);
		assertThat(this.spool.resolve(recording)).as("the ringing was recorded too").isRegularFile();
	}

	@Test
	void anAgentWhoDoesNotAnswerFailsTheOriginateAndNoClientIsCalled() throws Exception {
		this.pbx.script("agent7", CallScript.noAnswer());
		List<ManagerEvent> events = new CopyOnWriteArrayList<>();
		ManagerConnection ami = connect(events);
		UUID callId = UUID.randomUUID();
		OriginateAction originate = agentCall(callId, "agent7", "8613900139001", "ackline/" + callId + ".wav", "30");
		originate.setTimeout(500L);

		ami.sendAction(originate, null);

		await().atMost(PATIENCE).until(() -> has(events, OriginateResponseEvent.class));
		OriginateResponseEvent failed = only(events, OriginateResponseEvent.class);
		assertThat(failed.getResponse()).isEqualTo("Failure");
		assertThat(failed.getReason()).as("the channel rang out").isEqualTo(3);
		assertThat(failed.getChannel()).isEqualTo("PJSIP/agent7");
		assertThat(failed.getActionId()).isEqualTo("ackline-" + callId);
		HangupEvent hangup = only(events, HangupEvent.class);
		assertThat(hangup.getChannel()).startsWith("PJSIP/agent7-");
		assertThat(hangup.getCause()).isEqualTo(19);
		assertThat(all(events, NewChannelEvent.class)).extracting(NewChannelEvent::getChannel)
			.noneMatch(channel -> channel.startsWith("PJSIP/carrier-"));
		assertThat(has(events, MixMonitorStartEvent.class)).isFalse();
		assertThat(this.pbx.activeChannels()).isZero();
	}

	@Test
	void aPersonOnTheSimulatorPageDeclinesOneCallAndHangsUpAnother() throws Exception {
		this.pbx.script("13900139006", CallScript.noAnswer());
		List<ManagerEvent> events = new CopyOnWriteArrayList<>();
		ManagerConnection ami = connect(events);

		ami.sendAction(agentCall(UUID.randomUUID(), "agent4", "13900139006", "ackline/declined.wav", "30"), null);
		await().atMost(PATIENCE).until(() -> this.pbx.reject("+86 13900139006"));
		await().atMost(PATIENCE).until(() -> has(events, MixMonitorStopEvent.class));
		assertThat(find(events, DialEndEvent.class, e -> e.getChannel() != null).getDialStatus()).isEqualTo("NOANSWER");
		assertThat(all(events, HangupEvent.class)).extracting(HangupEvent::getCause).containsExactly(21, 21);

		events.clear();
		ami.sendAction(agentCall(UUID.randomUUID(), "agent4", "13900139006", "ackline/answered.wav", "30"), null);
		await().atMost(PATIENCE).until(() -> this.pbx.answer("13900139006"));
		await().atMost(PATIENCE).until(() -> has(events, BridgeEnterEvent.class));
		assertThat(this.pbx.calls().get(0).state()).isEqualTo(SimulatedPbx.PhoneCall.State.UP);
		assertThat(this.pbx.hangup("13900139006")).isTrue();
		await().atMost(PATIENCE).until(() -> has(events, MixMonitorStopEvent.class));
		HangupRequestEvent request = only(events, HangupRequestEvent.class);
		assertThat(request.getChannel()).startsWith("PJSIP/carrier-");
		assertThat(all(events, HangupEvent.class)).extracting(HangupEvent::getCause).containsExactly(16, 16);
		assertThat(this.pbx.calls()).extracting(SimulatedPbx.PhoneCall::state)
			.containsOnly(SimulatedPbx.PhoneCall.State.ENDED);
	}

	@Test
	void everyConnectedClientReceivesEveryEvent() throws Exception {
		this.pbx.script("13900139005", CallScript.answerAfter(Duration.ZERO).hangUpAfter(Duration.ofMillis(200)));
		List<ManagerEvent> first = new CopyOnWriteArrayList<>();
		List<ManagerEvent> second = new CopyOnWriteArrayList<>();
		ManagerConnection node1 = connect(first);
		connect(second);
		UUID callId = UUID.randomUUID();

		node1.sendAction(agentCall(callId, "agent3", "13900139005", "ackline/" + callId + ".wav", "30"), null);

		await().atMost(PATIENCE).until(() -> has(first, MixMonitorStopEvent.class) && has(second, MixMonitorStopEvent.class));
		assertThat(names(second)).isEqualTo(names(first));
		assertThat(all(second, HangupEvent.class)).extracting(HangupEvent::getUniqueId)
			.containsExactlyElementsOf(all(first, HangupEvent.class).stream().map(HangupEvent::getUniqueId).toList());
	}

	@Test
	void asteriskJavaReconnectsAndLogsInAgainAfterTheConnectionDrops() throws Exception {
		List<ManagerEvent> events = new CopyOnWriteArrayList<>();
		ManagerConnection ami = connect(events);
		assertThat(this.pbx.managerConnections()).isEqualTo(1);

		this.pbx.dropManagerConnections();

		await().atMost(PATIENCE).until(() -> has(events, DisconnectEvent.class)
				&& all(events, ConnectEvent.class).size() == 2 && ami.getState() == ManagerConnectionState.CONNECTED);
		ManagerResponse pong = ami.sendAction(new PingAction());
		assertThat(pong.getResponse()).isEqualTo("Success");
		assertThat(this.pbx.managerConnections()).isEqualTo(1);
	}

	// ---------------------------------------------------------------- helpers

	private ManagerConnection connect(List<ManagerEvent> events) throws Exception {
		ManagerConnection connection = new ManagerConnectionFactory("127.0.0.1", this.pbx.port(), "ackline", "ackline")
			.createManagerConnection();
		connection.addEventListener(events::add);
		connection.login();
		this.connections.add(connection);
		return connection;
	}

	private static OriginateAction agentCall(UUID callId, String agent, String number, String recording,
			String clientTimeout) {
		OriginateAction originate = new OriginateAction();
		originate.setActionId("ackline-" + callId);
		originate.setChannel("PJSIP/" + agent);
		originate.setContext("ackline-outbound");
		originate.setExten(number);
		originate.setPriority(1);
		originate.setTimeout(20_000L);
		originate.setCallerId("Ackline <4008001234>");
		originate.setAsync(true);
		Map<String, String> variables = new LinkedHashMap<>();
		variables.put("__ACKLINE_CALL_ID", callId.toString());
		variables.put("ACKLINE_RECORDING", recording);
		variables.put("ACKLINE_CLIENT_TIMEOUT", clientTimeout);
		originate.setVariables(variables);
		return originate;
	}

	static boolean has(List<ManagerEvent> events, Class<? extends ManagerEvent> type) {
		return events.stream().anyMatch(type::isInstance);
	}

	static <T extends ManagerEvent> List<T> all(List<ManagerEvent> events, Class<T> type) {
		return events.stream().filter(e -> e.getClass() == type).map(type::cast).toList();
	}

	static <T extends ManagerEvent> T only(List<ManagerEvent> events, Class<T> type) {
		List<T> found = all(events, type);
		assertThat(found).as(type.getSimpleName()).hasSize(1);
		return found.get(0);
	}

	static <T extends ManagerEvent> T find(List<ManagerEvent> events, Class<T> type, Predicate<T> matcher) {
		return all(events, type).stream().filter(matcher).findFirst()
			.orElseThrow(() -> new AssertionError("No matching " + type.getSimpleName() + " in " + events));
	}

	private static List<String> names(List<ManagerEvent> events) {
		return events.stream().map(e -> e.getClass().getSimpleName()).toList();
	}

}
