package ackline.pbx;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiHangupException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.asteriskjava.fastagi.AgiServerThread;
import org.asteriskjava.fastagi.DefaultAgiServer;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.event.DtmfBeginEvent;
import org.asteriskjava.manager.event.DtmfEndEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.HangupRequestEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.MixMonitorStopEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static ackline.pbx.SimulatedPbxAsteriskJavaTests.all;
import static ackline.pbx.SimulatedPbxAsteriskJavaTests.has;
import static ackline.pbx.SimulatedPbxAsteriskJavaTests.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * IVR calls: the simulator dials the client, records, and connects to a real Asterisk-Java FastAGI server; the
 * client's keys come back from GET DATA.
 */
class SimulatedPbxFastAgiTests {

	private static final Duration PATIENCE = Duration.ofSeconds(15);

	@TempDir
	Path spool;

	private SimulatedPbx pbx;

	private AgiServerThread agiServer;

	private int agiPort;

	private ManagerConnection ami;

	private final List<ManagerEvent> events = new CopyOnWriteArrayList<>();

	/** What the script saw: its request, then one entry per step. */
	private final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

	private volatile AgiScript script;

	@BeforeEach
	void start() throws Exception {
		this.pbx = new SimulatedPbx(SimulatedPbx.Settings.defaults()
			.withClientAnswerDelay(Duration.ofMillis(100))
			.withPromptDuration(Duration.ofMillis(100))).start(0, this.spool);
		try (ServerSocket free = new ServerSocket(0)) {
			this.agiPort = free.getLocalPort();
		}
		DefaultAgiServer server = new DefaultAgiServer((AgiRequest request, AgiChannel channel) -> this.script);
		server.setPort(this.agiPort);
		this.agiServer = new AgiServerThread(server);
		this.agiServer.setDaemon(true);
		this.agiServer.startup();
		this.ami = new ManagerConnectionFactory("127.0.0.1", this.pbx.port(), "ackline", "ackline")
			.createManagerConnection();
		this.ami.addEventListener(this.events::add);
		this.ami.login();
	}

	@AfterEach
	void stop() {
		if (this.ami.getState() == ManagerConnectionState.CONNECTED) {
			this.ami.logoff();
		}
		this.agiServer.shutdown();
		this.pbx.stop();
	}

	@Test
	void theKeyTheClientPressesComesBackFromGetData() throws Exception {
		this.pbx.script("13900139001", CallScript.answerAfter(Duration.ofMillis(100)).pressDigits("1",
				Duration.ofMillis(150)));
		this.script = (request, channel) -> {
			this.seen.add(request);
			channel.answer();
			this.seen.add("stream:" + channel.streamFile("ackline/zh-CN/margin-call", ""));
			this.seen.add("data:" + channel.getData("ackline/zh-CN/press-1", 3000, 1));
			channel.hangup();
		};
		UUID callId = UUID.randomUUID();
		String recording = "ackline/ivr/" + callId + ".wav";

		this.ami.sendAction(ivrCall(callId, "+8613900139001", recording), null);

		AgiRequest request = (AgiRequest) next();
		assertThat(request.getScript()).isEqualTo("notice-ack");
		assertThat(request.getArguments()).containsExactly(callId.toString());
		assertThat(request.getChannel()).startsWith("PJSIP/carrier-");
		assertThat(request.getLanguage()).isEqualTo("zh");
		assertThat(request.getContext()).isEqualTo("ackline-ivr");
		assertThat(request.getExtension()).isEqualTo("s");
		assertThat(request.getPriority()).isEqualTo(3);
		assertThat(request.getCallerIdNumber()).isEqualTo("4008001234");
		assertThat(next()).isEqualTo("stream:" + (char) 0);
		assertThat(next()).isEqualTo("data:1");

		await().atMost(PATIENCE).until(() -> has(this.events, MixMonitorStopEvent.class));
		assertThat(only(this.events, OriginateResponseEvent.class).getResponse()).isEqualTo("Success");
		DtmfEndEvent key = only(this.events, DtmfEndEvent.class);
		assertThat(key.getDigit()).isEqualTo("1");
		assertThat(key.getDirection()).isEqualTo("Received");
		assertThat(key.getChannel()).isEqualTo(request.getChannel());
		assertThat(key.getChannelVariables()).containsEntry("ACKLINE_CALL_ID", callId.toString());
		assertThat(only(this.events, DtmfBeginEvent.class).getDigit()).isEqualTo("1");
		assertThat(only(this.events, HangupEvent.class).getCause()).isEqualTo(16);
		assertThat(this.spool.resolve(recording)).isRegularFile();
		assertThat(this.pbx.calls()).singleElement().satisfies(call -> {
			assertThat(call.callId()).isEqualTo(callId);
			assertThat(call.kind()).isEqualTo(SimulatedPbx.PhoneCall.Kind.IVR);
			assertThat(call.state()).isEqualTo(SimulatedPbx.PhoneCall.State.ENDED);
			assertThat(call.digits()).isEqualTo("1");
		});
	}

	@Test
	void aPromptNobodyAnswersTimesOutAndTheNextOneGetsTheKey() throws Exception {
		this.pbx.script("13900139002", CallScript.answerAfter(Duration.ZERO)
			.pressDigits("2", Duration.ofSeconds(5))
			.pressDigits("1", Duration.ofMillis(50)));
		this.script = (request, channel) -> {
			this.seen.add("first:" + channel.getData("ackline/ask", 300, 1));
			this.seen.add("second:" + channel.getData("ackline/ask", 3000, 1));
			this.seen.add("wait:" + channel.waitForDigit(200));
		};

		this.ami.sendAction(ivrCall(UUID.randomUUID(), "13900139002", "ackline/ivr/timeout.wav"), null);

		assertThat(next()).isEqualTo("first:");
		assertThat(next()).isEqualTo("second:1");
		assertThat(next()).isEqualTo("wait:" + (char) 0);
		await().atMost(PATIENCE).until(() -> has(this.events, MixMonitorStopEvent.class));
		assertThat(all(this.events, DtmfEndEvent.class)).extracting(DtmfEndEvent::getDigit).containsExactly("1");
	}

	@Test
	void whenTheClientHangsUpTheWaitEndsAndTheNextCommandFindsADeadChannel() throws Exception {
		this.pbx.script("13900139003", CallScript.answerAfter(Duration.ZERO).hangUpAfter(Duration.ofMillis(300)));
		this.script = (request, channel) -> {
			this.seen.add("wait:" + (int) channel.waitForDigit(10_000));
			try {
				channel.streamFile("ackline/zh-CN/goodbye", "");
				this.seen.add("played to nobody");
			}
			catch (AgiHangupException ex) {
				this.seen.add("hung up");
			}
		};

		this.ami.sendAction(ivrCall(UUID.randomUUID(), "13900139003", "ackline/ivr/hangup.wav"), null);

		assertThat(next()).as("200 result=-1 on hangup, which Asterisk-Java turns into the same '\\0' as a timeout")
			.isEqualTo("wait:0");
		assertThat(next()).as("HANGUP, then 511 for a command that needs the channel").isEqualTo("hung up");
		await().atMost(PATIENCE).until(() -> has(this.events, MixMonitorStopEvent.class));
		assertThat(only(this.events, HangupRequestEvent.class).getCause()).isEqualTo(16);
		assertThat(only(this.events, HangupEvent.class).getCause()).isEqualTo(16);
	}

	@Test
	void aPersonOnTheSimulatorPageAnswersAndPressesKeys() throws Exception {
		this.pbx.script("13900139004", CallScript.noAnswer());
		this.script = (request, channel) -> this.seen.add("data:" + channel.getData("ackline/ask", 10_000, 2));
		UUID callId = UUID.randomUUID();

		this.ami.sendAction(ivrCall(callId, "13900139004", "ackline/ivr/manual.wav"), null);

		await().atMost(PATIENCE).until(() -> this.pbx.calls().stream()
			.anyMatch(call -> call.state() == SimulatedPbx.PhoneCall.State.RINGING));
		assertThat(this.pbx.calls()).singleElement().satisfies(call -> {
			assertThat(call.number()).isEqualTo("13900139004");
			assertThat(call.callId()).isEqualTo(callId);
		});
		assertThat(this.pbx.answer("+86 139 0013 9004")).isTrue();
		await().atMost(PATIENCE).until(() -> this.pbx.press("13900139004", "42"));
		assertThat(next()).isEqualTo("data:42");
		await().atMost(PATIENCE).until(() -> has(this.events, MixMonitorStopEvent.class));
		assertThat(all(this.events, DtmfEndEvent.class)).extracting(DtmfEndEvent::getDigit).containsExactly("4", "2");
	}

	private Object next() throws InterruptedException {
		Object value = this.seen.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		assertThat(value).as("the AGI script's next step").isNotNull();
		return value;
	}

	private OriginateAction ivrCall(UUID callId, String number, String recording) {
		OriginateAction originate = new OriginateAction();
		originate.setActionId("ackline-" + callId);
		originate.setChannel("PJSIP/" + number.replace("+", "") + "@carrier");
		originate.setContext("ackline-ivr");
		originate.setExten("s");
		originate.setPriority(1);
		originate.setTimeout(20_000L);
		originate.setCallerId("Ackline <4008001234>");
		originate.setAsync(true);
		Map<String, String> variables = new LinkedHashMap<>();
		variables.put("__ACKLINE_CALL_ID", callId.toString());
		variables.put("ACKLINE_RECORDING", recording);
		variables.put("ACKLINE_AGI_URL", "agi://127.0.0.1:" + this.agiPort + "/notice-ack");
		originate.setVariables(variables);
		return originate;
	}

}
