package ackline.localrun;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import ackline.testing.Api;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The issue's "Done when" on the local run: Ackline started by {@link LocalRun} on a {@link LocalStack}, its
 * Asterisk-Java adapter logged in to the stack's simulated PBX, the upstream system and the agent on the API, and the
 * client on the {@code /simulator} page's API, as a person does it by hand with curl and a browser.
 */
class LocalRunPbxIntegrationTests {

	static LocalStack stack;

	static ConfigurableApplicationContext app;

	static Api api;

	@BeforeAll
	static void start() {
		stack = LocalStack.start(LocalStack.Settings.forTests());
		app = LocalRun.startApp(stack, "--spring.main.banner-mode=off", "--ackline.escalation.interval=500ms");
		api = new Api(stack.appPort());
		await().atMost(Duration.ofSeconds(30)).until(() -> stack.pbx().managerConnections() > 0);
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		stack.close();
	}

	@AfterEach
	void phonesAnswerByThemselvesAgain() {
		stack.answerByHand(false);
	}

	@Test
	void anyAmiClientLogsInToTheLocalRunsPbxBesideTheApp() throws IOException {
		try (PlainAmiClient ami = new PlainAmiClient(stack.amiPort())) {
			assertThat(ami.banner()).isEqualTo("Asterisk Call Manager/9.0.0");
			Map<String, String> login = ami.action("Action", "Login", "ActionID", "login-1", "Username", "ackline",
					"Secret", "ackline");
			assertThat(login).containsEntry("Response", "Success").containsEntry("ActionID", "login-1");
			assertThat(ami.action("Action", "CoreShowChannels", "ActionID", "channels-1"))
				.containsEntry("Response", "Success");
			assertThat(stack.pbx().managerConnections()).as("the app's adapter and this client").isGreaterThanOrEqualTo(2);
			assertThat(ami.action("Action", "Logoff", "ActionID", "bye")).containsEntry("Response", "Goodbye");
		}
		String banner = LocalRun.banner(stack, app.getEnvironment());
		assertThat(banner).contains("127.0.0.1:" + stack.amiPort(), "ackline, password/密码 ackline",
				stack.agiUrl(), stack.spoolDir().toString()).doesNotContain("${");
	}

	@Test
	void aNewAccountCallBackIsAnsweredOnTheSimulatorRecordedAndDisposed() {
		String phone = "13900139001";
		JsonNode call = recordedCallBack(phone, "C" + UUID.randomUUID().toString().substring(0, 6));
		List<String> kinds = new ArrayList<>();
		call.get("events").forEach(e -> kinds.add(e.get("kind").asText()));
		assertThat(kinds).contains("DIAL_BEGIN", "ANSWERED", "HANGUP", "RECORDING_STARTED");
		assertThat(call.get("recording").get("sha256").asText()).matches("[0-9a-f]{64}");
		assertThat(stack.spoolDir().resolve(call.get("recording").get("file").asText()))
			.as("the WAV leaves the spool once stored as evidence").doesNotExist();
		assertThat(Files.isDirectory(stack.spoolDir())).isTrue();
	}

	@Test
	void theRecordingIsFoundAndPlayedFromS3MockWhichTheHealthSaysDoesNotEnforceObjectLock() throws Exception {
		String clientId = "C" + UUID.randomUUID().toString().substring(0, 6);
		JsonNode recording = recordedCallBack("13900139003", clientId).get("recording");
		String id = recording.get("evidenceId").asText();

		Api.Reply found = api.get("/api/v1/recordings?clientId=" + clientId, "supervisor1");
		assertThat(found.status()).as(found.body()).isEqualTo(200);
		JsonNode listed = found.json().get("content").get(0);
		assertThat(listed.get("id").asText()).isEqualTo(id);
		assertThat(listed.get("sha256").asText()).isEqualTo(recording.get("sha256").asText());
		long size = listed.get("bytes").asLong();
		assertThat(size).isGreaterThan(100);

		HttpResponse<byte[]> played = rangeGet(app("/api/v1/recordings/" + id + "/audio"), "supervisor1", "bytes=0-99");
		assertThat(played.statusCode()).isEqualTo(206);
		assertThat(played.body()).hasSize(100);
		assertThat(played.headers().firstValue("Content-Range")).contains("bytes 0-99/" + size);

		// the body is in S3Mock, not in PostgreSQL: the row names the object, and S3Mock serves the same bytes
		String object;
		try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), LocalStack.DATABASE_USER,
				LocalStack.DATABASE_PASSWORD);
				PreparedStatement select = db.prepareStatement(
						"select storage, bucket, object_key, version_id, body is null from evidence where id = ?")) {
			select.setObject(1, UUID.fromString(id));
			try (ResultSet row = select.executeQuery()) {
				assertThat(row.next()).isTrue();
				assertThat(row.getString(1)).isEqualTo("S3");
				assertThat(row.getString(2)).isEqualTo(LocalStack.EVIDENCE_BUCKET);
				assertThat(row.getBoolean(5)).as("no body in the row").isTrue();
				object = "/" + row.getString(2) + "/" + row.getString(3)
						+ ((row.getString(4) != null) ? "?versionId=" + encode(row.getString(4)) : "");
			}
		}
		HttpResponse<byte[]> fromS3 = rangeGet(URI.create(stack.s3Endpoint() + object), null, "bytes=0-99");
		assertThat(fromS3.statusCode()).isEqualTo(206);
		assertThat(fromS3.body()).isEqualTo(played.body());

		Api.Reply evidenceStore = api.get("/actuator/health/evidenceStore", "admin");
		assertThat(evidenceStore.status()).as(evidenceStore.body()).isEqualTo(503);
		assertThat(evidenceStore.json().get("status").asText()).isEqualTo("NOT_ENFORCING");
		assertThat(evidenceStore.json().get("details").get("protection").asText()).isEqualTo("NOT_ENFORCING");
		assertThat(evidenceStore.json().get("details").get("store").asText())
			.contains(LocalStack.EVIDENCE_BUCKET, stack.s3Endpoint());
		assertThat(evidenceStore.json().get("details").get("findings").toString()).contains("canary");
		Api.Reply overall = api.get("/actuator/health", null);
		assertThat(overall.status()).as("the local run's own status stays UP").isEqualTo(200);
		assertThat(overall.json().get("status").asText()).isEqualTo("UP");
	}

	/**
	 * A NEW_ACCOUNT call-back worked by agent1 with the client answering on the simulator page by hand, hung up and
	 * disposed: the task's call once its recording is stored.
	 */
	private static JsonNode recordedCallBack(String phone, String clientId) {
		String number = "+86" + phone;
		// the person ticks "answer by hand": the client's phone rings until they answer it on the page
		assertThat(api.put("/simulator/api/answering", null, Map.of("byHand", true)).status()).isEqualTo(200);
		Map<String, Object> task = new LinkedHashMap<>();
		task.put("type", "NEW_ACCOUNT");
		task.put("clientId", clientId);
		task.put("clientName", "钱七");
		task.put("phone", phone);
		task.put("openedOn", LocalDate.now(ZoneId.of("Asia/Shanghai")).toString());
		task.put("agentId", "agent1");
		task.put("idempotencyKey", UUID.randomUUID().toString());
		Api.Reply created = api.post("/api/v1/callbacks", "system", task);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		String taskId = created.json().get("id").asText();

		assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
		Api.Reply next = api.post("/api/v1/agents/me/next", "agent1", "");
		assertThat(next.status()).as(next.body()).isEqualTo(200);
		assertThat(next.json().get("id").asText()).isEqualTo(taskId);
		Api.Reply dial = api.post("/api/v1/callbacks/" + taskId + "/dial", "agent1", "");
		assertThat(dial.status()).as(dial.body()).isEqualTo(202);
		String callId = dial.json().get("callId").asText();

		JsonNode ringing = awaitCall(number, "RINGING");
		assertThat(ringing.get("callId").asText()).isEqualTo(callId);
		assertThat(ringing.get("kind").asText()).isEqualTo("AGENT");
		Api.Reply answer = api.post("/simulator/api/calls/" + encode(number) + "/answer", null, "");
		assertThat(answer.status()).as(answer.body()).isEqualTo(202);
		awaitCall(number, "UP");
		awaitTask(taskId, "the answer", t -> "IN_CALL".equals(t.get("state").asText()));

		assertThat(api.post("/api/v1/calls/" + callId + "/hangup", "agent1", "").status()).isIn(200, 202);
		awaitTask(taskId, "wrap-up", t -> "WRAP_UP".equals(t.get("state").asText()));
		assertThat(awaitCall(number, "ENDED").get("callId").asText()).isEqualTo(callId);
		Api.Reply disposition = api.post("/api/v1/callbacks/" + taskId + "/disposition", "agent1",
				Map.of("disposition", "REACHED_CONFIRMED", "answers", Map.of(), "notes", "本人确认开户"));
		assertThat(disposition.status()).as(disposition.body()).isEqualTo(200);

		JsonNode done = awaitTask(taskId, "the recording stored",
				t -> "DONE".equals(t.get("state").asText()) && lastCall(t).path("recording").hasNonNull("sha256"));
		JsonNode call = lastCall(done);
		assertThat(call.get("id").asText()).isEqualTo(callId);
		return call;
	}

	private static URI app(String path) {
		return URI.create("http://localhost:" + stack.appPort() + path);
	}

	private static HttpResponse<byte[]> rangeGet(URI uri, String user, String range) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Range", range);
		if (user != null) {
			request.header("Authorization", "Basic "
					+ Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
		}
		return HttpClient.newHttpClient().send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	@Test
	void anUnacknowledgedMarginCallEscalatesToAnIvrCallAndPressingOneOnTheSimulatorAcknowledgesIt() {
		String phone = "13900139002";
		String number = "+86" + phone;
		Map<String, Object> notice = new LinkedHashMap<>();
		notice.put("type", "MARGIN_CALL");
		notice.put("clientId", "C" + UUID.randomUUID().toString().substring(0, 6));
		notice.put("clientName", "赵六");
		notice.put("phone", phone);
		notice.put("channels", List.of("SMS"));
		notice.put("requireAck", true);
		notice.put("ackDeadline", OffsetDateTime.now().plusSeconds(3).toString());
		notice.put("params", Map.of("firm", "示例证券", "ratio", "125%", "shortfall", "50,000.00", "deadline",
				"2026-11-24 15:00"));
		Api.Reply submitted = api.post("/api/v1/notices", "system", notice);
		assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
		String noticeId = submitted.json().get("id").asText();

		// nobody answers the SMS; at the deadline Ackline calls, and the phone answers by itself after about 2 s
		JsonNode up = awaitCall(number, "UP", Duration.ofSeconds(60));
		assertThat(up.get("kind").asText()).isEqualTo("IVR");
		// keys pressed while the notice still plays are dropped, as Asterisk drops them: press until the prompt
		// that asks for the key has it, as a person does
		JsonNode[] last = new JsonNode[1];
		try {
			await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1)).until(() -> {
				last[0] = api.get("/api/v1/notices/" + noticeId, "system").json();
				if ("ACKNOWLEDGED".equals(last[0].get("status").asText())) {
					return true;
				}
				Api.Reply keys = api.post("/simulator/api/calls/" + encode(number) + "/keys", null,
						Map.of("digits", "1"));
				assertThat(keys.status()).as(keys.body()).isIn(202, 409);
				return false;
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("pressing 1 never acknowledged the notice; it is " + last[0].toPrettyString(), ex);
		}
		JsonNode acknowledged = last[0];
		assertThat(acknowledged.get("acknowledgement").get("channel").asText()).isEqualTo("IVR");
		assertThat(acknowledged.get("escalation").get(0).get("action").asText()).isEqualTo("IVR");
		assertThat(acknowledged.get("calls").get(0).get("digits").asText()).contains("1");
		assertThat(awaitCall(number, "ENDED").get("digits").asText()).contains("1");
	}

	private static JsonNode awaitCall(String number, String state) {
		return awaitCall(number, state, Duration.ofSeconds(15));
	}

	/** The newest call at the number on the simulator page, once it is in that state. */
	private static JsonNode awaitCall(String number, String state, Duration patience) {
		JsonNode[] newest = new JsonNode[1];
		try {
			await().atMost(patience).pollInterval(Duration.ofMillis(200)).until(() -> {
				JsonNode calls = api.get("/simulator/api/calls/" + encode(number), null).json();
				newest[0] = calls.isEmpty() ? null : calls.get(0);
				return newest[0] != null && state.equals(newest[0].get("state").asText());
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("no call " + state + " at " + number + "; the page shows "
					+ api.get("/simulator/api/calls", null).body(), ex);
		}
		return newest[0];
	}

	private static JsonNode awaitTask(String id, String what, Predicate<JsonNode> until) {
		JsonNode[] last = new JsonNode[1];
		try {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
				last[0] = api.get("/api/v1/callbacks/" + id, "system").json();
				return until.test(last[0]);
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError(what + " never happened; the task is " + last[0].toPrettyString(), ex);
		}
		return last[0];
	}

	private static JsonNode lastCall(JsonNode task) {
		JsonNode calls = task.path("calls");
		return calls.isEmpty() ? calls.path(0) : calls.get(calls.size() - 1);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
