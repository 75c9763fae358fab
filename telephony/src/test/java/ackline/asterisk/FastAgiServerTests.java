package ackline.asterisk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The FastAGI server and the notice-ack script, driven over TCP the way Asterisk drives them: the {@code agi_}
 * variables, then one reply line per command ({@code 200 result=...}).
 */
class FastAgiServerTests {

	private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");

	private final RecordingListener listener = new RecordingListener();

	private final FastAgiServer server = new FastAgiServer("127.0.0.1", 0,
			new NoticeAckScript(listener, Clock.fixed(NOW, ZoneOffset.UTC)));

	@BeforeEach
	void start() {
		server.start();
	}

	@AfterEach
	void stop() {
		server.stop();
	}

	@Test
	void aClientWhoPressesOneHearsThanksAndIsHungUp() throws IOException {
		UUID callId = UUID.randomUUID();
		listener.scripts.put(callId, RecordingListener.pressOne(3));

		List<String> commands = agiCall("notice-ack", callId.toString(), answer("1"));

		assertThat(commands).containsExactly("SET VARIABLE \"CHANNEL(language)\" \"zh_CN\"",
				"STREAM FILE \"ackline/zh-CN/margin-call\" \"\"", "GET DATA \"ackline/zh-CN/press-1\" 5000 1",
				"STREAM FILE \"ackline/zh-CN/thanks\" \"\"", "HANGUP");
		assertThat(listener.digits).containsExactly(new RecordingListener.Digits(callId, "1", NOW));
	}

	@Test
	void everyAnswerIsReportedAndSilenceEndsInGoodbyeAfterTheLastAttempt() throws IOException {
		UUID callId = UUID.randomUUID();
		listener.scripts.put(callId, RecordingListener.pressOne(2));
		List<String> keys = new ArrayList<>(List.of("9", ""));

		List<String> commands = agiCall("notice-ack", callId.toString(), (command) -> {
			if (command.startsWith("GET DATA")) {
				String key = keys.remove(0);
				return key.isEmpty() ? "200 result= (timeout)" : "200 result=" + key;
			}
			return "200 result=0 endpos=8000";
		});

		assertThat(commands).filteredOn((command) -> command.startsWith("GET DATA")).hasSize(2);
		assertThat(commands).filteredOn((command) -> command.startsWith("STREAM FILE \"ackline/zh-CN/margin-call\""))
			.hasSize(2);
		assertThat(commands).endsWith("STREAM FILE \"ackline/zh-CN/goodbye\" \"\"", "HANGUP");
		assertThat(listener.digits).extracting(RecordingListener.Digits::digits).containsExactly("9", "");
	}

	@Test
	void aCallTheDialerDoesNotKnowIsHungUpAtOnce() throws IOException {
		List<String> commands = agiCall("notice-ack", UUID.randomUUID().toString(), answer("1"));
		assertThat(commands).containsExactly("HANGUP");
		assertThat(listener.digits).isEmpty();
	}

	@Test
	void withoutAnArgumentTheCallIdIsReadFromTheChannel() throws IOException {
		UUID callId = UUID.randomUUID();
		listener.scripts.put(callId, RecordingListener.pressOne(1));

		List<String> commands = agiCall("notice-ack", null, (command) -> {
			if (command.equals("GET VARIABLE \"ACKLINE_CALL_ID\"")) {
				return "200 result=1 (" + callId + ")";
			}
			return command.startsWith("GET DATA") ? "200 result=1" : "200 result=0 endpos=8000";
		});

		assertThat(commands).first().isEqualTo("GET VARIABLE \"ACKLINE_CALL_ID\"");
		assertThat(listener.digits).extracting(RecordingListener.Digits::callId).containsExactly(callId);
	}

	@Test
	void aClientHangingUpMidScriptEndsItQuietly() throws IOException {
		UUID callId = UUID.randomUUID();
		listener.scripts.put(callId, RecordingListener.pressOne(3));

		// Asterisk answers a command on a channel that hung up with 511 and then closes the connection
		List<String> commands = agiCall("notice-ack", callId.toString(),
				(command) -> command.startsWith("STREAM FILE") ? null : "200 result=1");

		assertThat(commands).last().asString().startsWith("STREAM FILE");
		assertThat(listener.digits).isEmpty();
	}

	@Test
	void anUnknownScriptRunsNothing() throws IOException {
		List<String> commands = agiCall("org.example.Anything", UUID.randomUUID().toString(), answer("1"));
		assertThat(commands).noneMatch((command) -> command.startsWith("STREAM FILE") || command.startsWith("GET DATA"));
	}

	@Test
	void aTakenPortFailsTheStartNamingTheSetting() throws IOException {
		try (ServerSocket taken = new ServerSocket(0)) {
			FastAgiServer second = new FastAgiServer("127.0.0.1", taken.getLocalPort(),
					new NoticeAckScript(listener, Clock.systemUTC()));
			assertThatThrownBy(second::start).hasMessageContaining("ackline.asterisk.agi-port")
				.hasMessageContaining(String.valueOf(taken.getLocalPort()));
		}
	}

	private static Function<String, String> answer(String key) {
		return (command) -> command.startsWith("GET DATA") ? "200 result=" + key : "200 result=0 endpos=8000";
	}

	/**
	 * Plays Asterisk's side of one AGI() call: sends the {@code agi_} variables, then answers each command with the
	 * responder's line (null: the channel hung up, the connection closes). Returns the commands received.
	 */
	private List<String> agiCall(String script, String argument, Function<String, String> responder)
			throws IOException {
		List<String> commands = new ArrayList<>();
		try (Socket socket = new Socket("127.0.0.1", server.port())) {
			socket.setSoTimeout(10_000);
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
			out.write("agi_network: yes\n");
			out.write("agi_network_script: " + script + "\n");
			out.write("agi_request: agi://127.0.0.1:" + server.port() + "/" + script + "\n");
			out.write("agi_channel: PJSIP/carrier-00000005\n");
			out.write("agi_language: en\n");
			out.write("agi_type: PJSIP\n");
			out.write("agi_uniqueid: 1763712000.5\n");
			out.write("agi_version: 20.5.0\n");
			out.write("agi_callerid: 8613900139001\n");
			out.write("agi_calleridname: unknown\n");
			out.write("agi_context: ackline-ivr\n");
			out.write("agi_extension: s\n");
			out.write("agi_priority: 3\n");
			out.write("agi_enhanced: 0.0\n");
			out.write("agi_accountcode: \n");
			out.write("agi_threadid: 140234\n");
			if (argument != null) {
				out.write("agi_arg_1: " + argument + "\n");
			}
			out.write("\n");
			out.flush();
			String command;
			while ((command = in.readLine()) != null) {
				if (command.startsWith("SET VARIABLE \"AJ_AGISTATUS\"")) {
					out.write("200 result=1\n");
					out.flush();
					continue;
				}
				commands.add(command);
				String reply = responder.apply(command);
				if (reply == null) {
					out.write("HANGUP\n511 Command Not Permitted on a dead channel or intercepted by the script\n");
					out.flush();
					break;
				}
				out.write(reply + "\n");
				out.flush();
			}
		}
		return commands;
	}

}
