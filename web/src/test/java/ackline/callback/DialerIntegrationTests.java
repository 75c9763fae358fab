package ackline.callback;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import ackline.AcklineApplication;
import ackline.evidence.EvidenceStore;
import ackline.pbx.CallScript;
import ackline.pbx.SimulatedPbx;
import ackline.testing.Api;
import ackline.testing.CallbackFixture;
import ackline.testing.ChildApp;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.UnifiedJedis;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dialer end to end: Ackline's real Asterisk-Java adapter against the simulated PBX speaking AMI and FastAGI over
 * TCP, the machine's PostgreSQL and Redis. Agent calls (answered, busy, invalid, no answer, agent away), recordings
 * handed to the evidence store, progressive mode, retries, the AMI link dropped mid-call, Redis flushed, and the
 * escalation of an unacknowledged margin call to an IVR call and a follow-up task.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DialerIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	static final Path spool = CallbackFixture.spool();

	static final int amiPort = ChildApp.freePort();

	static final int agiPort = ChildApp.freePort();

	static final SimulatedPbx pbx = CallbackFixture.quickPbx(amiPort, spool);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		CallbackFixture.registerPbx(registry, amiPort, agiPort, spool);
		CallbackFixture.registerQuickDialer(registry);
		registry.add("ackline.callbacks.reconcile-interval", () -> "1s");
		registry.add("ackline.callbacks.progressive-interval", () -> "500ms");
		registry.add("ackline.callbacks.types.QUALITY_SAMPLE.max-attempts", () -> "2");
		registry.add("ackline.callbacks.types.QUALITY_SAMPLE.retry-interval", () -> "0s");
		registry.add("ackline.ivr.digit-timeout", () -> "1s");
		registry.add("ackline.ivr.attempts", () -> "2");
		registry.add("ackline.escalation.interval", () -> "300ms");
		registry.add("ackline.escalation.policies.MARGIN_CALL[0].action", () -> "IVR");
		registry.add("ackline.escalation.policies.MARGIN_CALL[0].after", () -> "0s");
		registry.add("ackline.escalation.policies.MARGIN_CALL[1].action", () -> "CALLBACK");
		registry.add("ackline.escalation.policies.MARGIN_CALL[1].after", () -> "1s");
		registry.add("ackline.notices.reconcile-interval", () -> "300ms");
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EvidenceStore evidence;

	@Autowired
	UnifiedJedis jedis;

	@Autowired
	ackline.security.TestUsers users;

	Api api;

	CallbackFixture callbacks;

	@BeforeAll
	void setUp() {
		api = new Api(port);
		await().atMost(Duration.ofSeconds(20)).until(() -> pbx.managerConnections() > 0);
	}

	@AfterAll
	void tearDown() {
		pbx.stop();
	}

	private CallbackFixture callbacks() {
		if (callbacks == null) {
			callbacks = new CallbackFixture(api, jdbc, users);
		}
		return callbacks;
	}

	private String agent() {
		return callbacks().agent();
	}

	private String task(String agent, String type, String phone) {
		return callbacks().task(agent, type, phone);
	}

	private static String phone() {
		return CallbackFixture.phone();
	}

	private String takeAndDial(String agent, String taskId) {
		return callbacks().takeAndDial(agent, taskId);
	}

	private JsonNode task(String id) {
		return callbacks().task(id);
	}

	private JsonNode awaitTask(String id, String what, java.util.function.Predicate<JsonNode> until) {
		return callbacks().awaitTask(id, what, until);
	}

	private static JsonNode lastCall(JsonNode task) {
		return CallbackFixture.lastCall(task);
	}

	private static List<String> kinds(JsonNode call) {
		List<String> kinds = new ArrayList<>();
		call.get("events").forEach(e -> kinds.add(e.get("kind").asText()));
		return kinds;
	}

	@Test
	void anAnsweredCallIsRecordedFromBeforeTheAnswerStoredWithItsHashAndDisposed() throws Exception {
		String agent = agent();
		String phone = phone();
		String taskId = task(agent, "NEW_ACCOUNT", phone);
		String callId = takeAndDial(agent, taskId);

		JsonNode answered = awaitTask(taskId, "answer", t -> "IN_CALL".equals(t.get("state").asText()));
		assertThat(lastCall(answered).get("state").asText()).isEqualTo("ANSWERED");
		assertThat(api.get("/api/v1/agents/me", agent).json().get("state").asText()).isEqualTo("ON_CALL");
		Api.Reply early = api.post("/api/v1/callbacks/" + taskId + "/disposition", agent,
				Map.of("disposition", "REACHED_CONFIRMED"));
		assertThat(early.status()).as("no disposition while on the phone").isEqualTo(409);
		Thread.sleep(500);

		assertThat(api.post("/api/v1/calls/" + callId + "/hangup", "agent1", "").status())
			.as("another agent cannot hang up this call").isEqualTo(404);
		Api.Reply hungUp = api.post("/api/v1/calls/" + callId + "/hangup", agent, "");
		// 200 once the PBX's hang-up reached the task (then it is in WRAP_UP), 202 if that took longer than the wait
		assertThat(hungUp.status()).isIn(200, 202);
		if (hungUp.status() == 200) {
			assertThat(hungUp.json().get("taskState").asText()).isEqualTo("WRAP_UP");
		}
		JsonNode wrapUp = awaitTask(taskId, "wrap-up", t -> "WRAP_UP".equals(t.get("state").asText()));
		JsonNode agentNow = api.get("/api/v1/agents/me", agent).json();
		assertThat(agentNow.get("state").asText()).isEqualTo("WRAP_UP");
		assertThat(agentNow.get("wrapUpUntil").isNull()).isFalse();

		JsonNode call = lastCall(wrapUp);
		assertThat(call.get("outcome").asText()).isEqualTo("ANSWERED");
		assertThat(call.get("hangupCause").asInt()).isEqualTo(16);
		List<String> kinds = kinds(call);
		assertThat(kinds).contains("ORIGINATE_RESPONSE", "CHANNEL_CREATED", "RINGING", "ANSWERED", "DIAL_BEGIN",
				"DIAL_END", "BRIDGE_ENTER", "BRIDGE_LEAVE", "HANGUP", "RECORDING_STARTED");
		assertThat(kinds.indexOf("RECORDING_STARTED")).as("MixMonitor starts before the client leg exists")
			.isLessThan(kinds.indexOf("DIAL_BEGIN"));
		assertThat(call.get("events").toString()).contains("\"dialStatus\":\"ANSWER\"");

		Map<String, Object> answers = Map.of("identity", "已核实", "accountChangesConfirmed", "是", "riskDisclosed", "是",
				"notOperatedByStaff", "是", "noDiscretionaryTrading", "是", "contractUnderstood", "是");
		Api.Reply unknownAnswer = api.post("/api/v1/callbacks/" + taskId + "/disposition", agent,
				Map.of("disposition", "REACHED_CONFIRMED", "answers", Map.of("favouriteColour", "蓝")));
		assertThat(unknownAnswer.status()).isEqualTo(400);
		assertThat(unknownAnswer.json().get("field").asText()).isEqualTo("answers.favouriteColour");
		Api.Reply dispo = api.post("/api/v1/callbacks/" + taskId + "/disposition", agent,
				Map.of("disposition", "REACHED_CONFIRMED", "answers", answers, "notes", "客户本人确认开户，已揭示风险"));
		assertThat(dispo.status()).as(dispo.body()).isEqualTo(200);
		assertThat(dispo.json().get("state").asText()).isEqualTo("DONE");
		assertThat(api.get("/api/v1/agents/me", agent).json().get("state").asText()).isEqualTo("AVAILABLE");

		JsonNode done = awaitTask(taskId, "recording stored",
				t -> "STORED".equals(lastCall(t).get("recording").get("state").asText()));
		JsonNode recording = lastCall(done).get("recording");
		UUID evidenceId = UUID.fromString(recording.get("evidenceId").asText());
		byte[] wav = evidence.read(evidenceId);
		assertThat(new String(wav, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RIFF");
		assertThat(recording.get("sha256").asText())
			.isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(wav)));
		assertThat(recording.get("bytes").asLong()).isEqualTo(wav.length);
		assertThat(evidence.find(evidenceId).orElseThrow().links().taskId()).isEqualTo(UUID.fromString(taskId));
		assertThat(spool.resolve(recording.get("file").asText())).as("spool file removed after the verified store")
			.doesNotExist();
		assertThat(done.get("answers").get("identity").asText()).isEqualTo("已核实");
		assertThat(done.has("missingAnswers")).isFalse();
	}

	@Test
	void aBusyClientIsRetriedAndAnInvalidNumberFailsTheTask() {
		String agent = agent();
		String busyPhone = phone();
		pbx.script(busyPhone, CallScript.busy());
		String busyTask = task(agent, "COMPLAINT_FOLLOWUP", busyPhone);
		takeAndDial(agent, busyTask);
		JsonNode retried = awaitTask(busyTask, "retry after busy", t -> "QUEUED".equals(t.get("state").asText())
				&& t.get("attempts").asInt() == 1);
		assertThat(retried.get("disposition").asText()).isEqualTo("BUSY");
		assertThat(lastCall(retried).get("outcome").asText()).isEqualTo("BUSY");
		assertThat(lastCall(retried).get("hangupCause").asInt()).isEqualTo(17);
		assertThat(retried.get("nextAttemptAt").asText()).isNotEmpty();
		await().atMost(Duration.ofSeconds(10)).until(() -> "AVAILABLE".equals(api.get("/api/v1/agents/me", agent).json().get("state").asText()));

		String invalidPhone = phone();
		pbx.script(invalidPhone, CallScript.invalidNumber());
		String agent2 = agent();
		String invalidTask = task(agent2, "COMPLAINT_FOLLOWUP", invalidPhone);
		takeAndDial(agent2, invalidTask);
		JsonNode failed = awaitTask(invalidTask, "failure", t -> "FAILED".equals(t.get("state").asText()));
		assertThat(failed.get("failureReason").asText()).isEqualTo("INVALID_NUMBER");
		assertThat(lastCall(failed).get("outcome").asText()).isEqualTo("INVALID_NUMBER");
	}

	@Test
	void unansweredAttemptsAreRetriedUntilTheTypesLimitAndThenTheTaskFailsVisibly() {
		String agent = agent();
		String phone = phone();
		pbx.script(phone, CallScript.noAnswer());
		String taskId = task(agent, "QUALITY_SAMPLE", phone);
		takeAndDial(agent, taskId);
		awaitTask(taskId, "first retry", t -> "QUEUED".equals(t.get("state").asText()) && t.get("attempts").asInt() == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> "AVAILABLE".equals(api.get("/api/v1/agents/me", agent).json().get("state").asText()));
		takeAndDial(agent, taskId);
		JsonNode failed = awaitTask(taskId, "exhausted", t -> "FAILED".equals(t.get("state").asText()));
		assertThat(failed.get("failureReason").asText()).isEqualTo("ATTEMPTS_EXHAUSTED");
		assertThat(failed.get("calls").size()).isEqualTo(2);
		failed.get("calls").forEach(c -> assertThat(c.get("outcome").asText()).isEqualTo("NO_ANSWER"));
		JsonNode list = api.get("/api/v1/callbacks?state=FAILED&type=QUALITY_SAMPLE", "supervisor1").json();
		assertThat(list.toString()).contains(taskId);
	}

	@Test
	void anAgentWhoDoesNotPickUpIsPausedAndTheTaskGoesBackUncounted() {
		String agent = agent();
		pbx.script(agent, CallScript.noAnswer());
		String taskId = task(agent, "COMPLAINT_FOLLOWUP", phone());
		takeAndDial(agent, taskId);
		JsonNode back = awaitTask(taskId, "requeue", t -> "QUEUED".equals(t.get("state").asText()));
		assertThat(back.get("attempts").asInt()).isZero();
		assertThat(lastCall(back).get("outcome").asText()).isEqualTo("AGENT_NO_ANSWER");
		JsonNode me = api.get("/api/v1/agents/me", agent).json();
		assertThat(me.get("state").asText()).isEqualTo("PAUSED");
		assertThat(me.get("reason").asText()).isEqualTo("AGENT_NO_ANSWER");
	}

	@Test
	void progressiveAgentsAreDialledAsSoonAsTheyAreAvailable() {
		String agent = agent();
		String phone = phone();
		pbx.script(phone, CallScript.answerAfter(Duration.ofMillis(200)).hangUpAfter(Duration.ofMillis(500)));
		String taskId = task(agent, "ROUTINE_MONTHLY", phone);
		Api.Reply state = api.put("/api/v1/agents/me/state", agent, Map.of("state", "AVAILABLE", "mode", "PROGRESSIVE"));
		assertThat(state.json().get("mode").asText()).isEqualTo("PROGRESSIVE");
		JsonNode ended = awaitTask(taskId, "progressive call", t -> "WRAP_UP".equals(t.get("state").asText()));
		assertThat(ended.get("calls").size()).isEqualTo(1);
		assertThat(lastCall(ended).get("outcome").asText()).isEqualTo("ANSWERED");
	}

	@Test
	void whenTheAmiLinkDropsMidCallTheAdapterReconnectsAndTheCallTheExchangeNoLongerHasIsEnded() {
		String agent = agent();
		String phone = phone();
		String taskId = task(agent, "NEW_ACCOUNT", phone);
		takeAndDial(agent, taskId);
		awaitTask(taskId, "answer", t -> "IN_CALL".equals(t.get("state").asText()));
		// the link drops; while it is down the client hangs up, so the Hangup events are never heard
		pbx.dropManagerConnections();
		pbx.hangup(phone);
		JsonNode ended = awaitTask(taskId, "reconciled end", t -> "WRAP_UP".equals(t.get("state").asText()));
		JsonNode call = lastCall(ended);
		assertThat(call.get("state").asText()).isEqualTo("ENDED");
		assertThat(call.get("outcome").asText()).isEqualTo("ANSWERED");
		assertThat(call.get("failure").asText()).startsWith("LOST");
		await().atMost(Duration.ofSeconds(10)).until(() -> pbx.managerConnections() > 0);
		assertThat(api.post("/api/v1/callbacks/" + taskId + "/disposition", agent,
				Map.of("disposition", "CALL_DROPPED", "notes", "断线")).status()).isEqualTo(200);
	}

	@Test
	void aCallWrittenButNeverDialledBecauseTheProcessDiedIsEndedAndItsTaskRetried() {
		String agent = agent();
		String taskId = task(agent, "COMPLAINT_FOLLOWUP", phone());
		api.put("/api/v1/agents/me/state", agent, Map.of("state", "AVAILABLE"));
		assertThat(api.post("/api/v1/agents/me/next", agent, "").status()).isEqualTo(200);
		long originates = pbx.originateCount();
		// what a process killed between committing the dial and sending the Originate leaves behind
		UUID callId = UUID.randomUUID();
		jdbc.sql("""
				insert into call (id, kind, task_id, agent_id, phone, state, record_required, recording_file, created_at,
				    updated_at)
				select ?, 'AGENT', id, ?, phone, 'ORIGINATING', true, 'ackline/lost.wav', now() - interval '1 minute', now()
				from callback_task where id = ?""")
			.params(callId, agent, UUID.fromString(taskId)).update();
		jdbc.sql("update callback_task set state = 'DIALING', attempts = attempts + 1 where id = ?")
			.param(UUID.fromString(taskId)).update();
		jdbc.sql("update agent set state = 'ON_CALL', current_call = ? where id = ?").params(callId, agent).update();

		JsonNode retried = awaitTask(taskId, "the reconciler", t -> "QUEUED".equals(t.get("state").asText()));
		JsonNode call = lastCall(retried);
		assertThat(call.get("state").asText()).isEqualTo("ENDED");
		assertThat(call.get("outcome").asText()).isEqualTo("FAILED");
		assertThat(call.get("failure").asText()).startsWith("LOST");
		assertThat(retried.get("nextAttemptAt").asText()).isNotEmpty();
		assertThat(api.get("/api/v1/agents/me", agent).json().get("state").asText()).isEqualTo("AVAILABLE");
		assertThat(pbx.originateCount()).as("the reconciler never dials").isEqualTo(originates);
	}

	@Test
	void flushingRedisLosesNoTaskBecauseTheQueueIsPostgres() {
		String agent = agent();
		String taskId = task(agent, "COMPLAINT_FOLLOWUP", phone());
		jedis.flushAll();
		String callId = takeAndDial(agent, taskId);
		awaitTask(taskId, "answer", t -> "IN_CALL".equals(t.get("state").asText()));
		jedis.flushAll();
		api.post("/api/v1/calls/" + callId + "/hangup", agent, "");
		awaitTask(taskId, "wrap-up", t -> "WRAP_UP".equals(t.get("state").asText()));
	}

	@Test
	void anUnacknowledgedMarginCallEscalatesToAnIvrCallAndPressingOneAcknowledgesIt() {
		String phone = phone();
		pbx.script(phone, CallScript.answering().pressDigits("1", Duration.ofMillis(300)));
		String noticeId = marginCall(phone);
		JsonNode notice = awaitNotice(noticeId, "acknowledgement by key press",
				n -> "ACKNOWLEDGED".equals(n.get("status").asText()));
		assertThat(notice.get("acknowledgement").get("channel").asText()).isEqualTo("IVR");
		assertThat(notice.get("escalation").get(0).get("action").asText()).isEqualTo("IVR");
		assertThat(notice.get("history").toString()).contains("ESCALATED");
		JsonNode ivrCall = notice.get("calls").get(0);
		assertThat(ivrCall.get("kind").asText()).isEqualTo("IVR");
		assertThat(ivrCall.get("digits").asText()).contains("1");
		assertThat(ivrCall.get("events").toString()).contains("DIGITS");
		JsonNode withRecording = awaitNotice(noticeId, "IVR recording stored",
				n -> n.get("evidence").toString().contains("CALL_RECORDING"));
		assertThat(withRecording.get("evidence").toString()).contains("IVR_KEYPRESS");
		// no second step: the notice was acknowledged
		sleep(2000);
		assertThat(api.get("/api/v1/notices/" + noticeId, "system").json().get("escalation").size()).isEqualTo(1);
	}

	@Test
	void whenTheIvrCallReachesNobodyAFollowUpTaskForAnAgentFollows() {
		String phone = phone();
		pbx.script(phone, CallScript.busy());
		String noticeId = marginCall(phone);
		JsonNode notice = awaitNotice(noticeId, "second step",
				n -> n.has("escalation") && n.get("escalation").size() == 2);
		JsonNode steps = notice.get("escalation");
		assertThat(steps.get(0).get("outcome").asText()).isEqualTo("BUSY");
		assertThat(steps.get(1).get("action").asText()).isEqualTo("CALLBACK");
		String taskId = steps.get(1).get("task_id").asText();
		JsonNode task = task(taskId);
		assertThat(task.get("type").asText()).isEqualTo("MARGIN_CALL_FOLLOWUP");
		assertThat(task.get("noticeId").asText()).isEqualTo(noticeId);
		sleep(1500);
		assertThat(api.get("/api/v1/notices/" + noticeId, "system").json().get("escalation").size())
			.as("each step once").isEqualTo(2);
	}

	private String marginCall(String phone) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "MARGIN_CALL");
		body.put("clientId", "C" + UUID.randomUUID().toString().substring(0, 8));
		body.put("clientName", "赵六");
		body.put("phone", phone);
		body.put("channels", List.of("SMS"));
		body.put("requireAck", true);
		body.put("ackDeadline", java.time.OffsetDateTime.now().plusSeconds(2).toString());
		body.put("params", Map.of("firm", "示例证券", "ratio", "125%", "shortfall", "50,000.00", "deadline", "2026-11-24 15:00"));
		Api.Reply r = api.post("/api/v1/notices", "system", body);
		assertThat(r.status()).as(r.body()).isEqualTo(202);
		return r.json().get("id").asText();
	}

	private JsonNode awaitNotice(String id, String what, java.util.function.Predicate<JsonNode> until) {
		Supplier<JsonNode> get = () -> api.get("/api/v1/notices/" + id, "system").json();
		List<JsonNode> last = new ArrayList<>(List.of(get.get()));
		try {
			await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() -> {
				last.set(0, get.get());
				return until.test(last.get(0));
			});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new AssertionError(what + " never happened; notice is " + last.get(0).toPrettyString(), ex);
		}
		return last.get(0);
	}

	private static void sleep(long ms) {
		try {
			Thread.sleep(ms);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
