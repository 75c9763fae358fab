package ackline.quality;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ackline.AcklineApplication;
import ackline.callback.CallbackEvents;
import ackline.pbx.CallScript;
import ackline.pbx.SimulatedPbx;
import ackline.security.TestUsers;
import ackline.testing.Api;
import ackline.testing.CallbackFixture;
import ackline.testing.ChildApp;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * QA and task work through the API, against the simulated PBX, PostgreSQL and Redis: scorecards of answered calls
 * (revisions, total, audit, an agent's averages, refusals), task notes, a client's history, and the agent's queue
 * preview in the dialer's own order.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = { AcklineApplication.class, QualityIntegrationTests.Events.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class QualityIntegrationTests {

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
	}

	/** Every event published, and whether a transaction was active when it was. */
	record Published(Object event, boolean inTransaction) {
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Events {

		@Bean
		List<Published> published() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		Recorder recorder(List<Published> published) {
			return new Recorder(published);
		}

	}

	static class Recorder {

		private final List<Published> published;

		Recorder(List<Published> published) {
			this.published = published;
		}

		@EventListener
		void on(QualityEvents.ScorecardSaved e) {
			published.add(new Published(e, TransactionSynchronizationManager.isActualTransactionActive()));
		}

		@EventListener
		void on(CallbackEvents.TaskNoteAdded e) {
			published.add(new Published(e, TransactionSynchronizationManager.isActualTransactionActive()));
		}

	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	TestUsers users;

	@Autowired
	List<Published> published;

	Api api;

	CallbackFixture callbacks;

	@BeforeAll
	void setUp() {
		api = new Api(port);
		callbacks = new CallbackFixture(api, jdbc, users);
		await().atMost(Duration.ofSeconds(20)).until(() -> pbx.managerConnections() > 0);
	}

	@AfterAll
	void tearDown() {
		pbx.stop();
	}

	private static Map<String, Object> scores(int greeting, int identity, int disclosure, int accuracy, int closing) {
		Map<String, Object> s = new LinkedHashMap<>();
		s.put("GREETING_COURTESY", greeting);
		s.put("IDENTITY_CHECK", identity);
		s.put("DISCLOSURE_READ", disclosure);
		s.put("ACCURACY", accuracy);
		s.put("CLOSING", closing);
		return s;
	}

	/** An answered, ended call of a task reserved for the agent (left in wrap-up), with its recording stored. */
	private String answeredCall(String agent, String clientId) {
		String taskId = callbacks.task(agent, "COMPLAINT_FOLLOWUP", CallbackFixture.phone(), clientId);
		String callId = callbacks.takeAndDial(agent, taskId);
		callbacks.awaitTask(taskId, "answer", t -> "IN_CALL".equals(t.get("state").asString()));
		assertThat(api.post("/api/v1/calls/" + callId + "/hangup", agent, "").status()).isIn(200, 202);
		callbacks.awaitTask(taskId, "recording stored", t -> "WRAP_UP".equals(t.get("state").asString())
				&& "STORED".equals(CallbackFixture.lastCall(t).get("recording").get("state").asString()));
		return callId;
	}

	private long audited(String action, String objectId) {
		return jdbc.sql("select count(*) from audit_entry where action = ? and object_id = ?").params(action, objectId)
			.query(Long.class).single();
	}

	@Test
	void theCriteriaAreServedToEveryStaffRole() {
		Api.Reply criteria = api.get("/api/v1/quality/criteria", "agent1");
		assertThat(criteria.status()).isEqualTo(200);
		List<String> codes = new ArrayList<>();
		int total = 0;
		for (JsonNode c : criteria.json()) {
			codes.add(c.get("code").asString());
			total += c.get("max").asInt();
		}
		assertThat(codes).containsExactly("GREETING_COURTESY", "IDENTITY_CHECK", "DISCLOSURE_READ", "ACCURACY", "CLOSING");
		assertThat(total).isEqualTo(100);
		assertThat(criteria.json().get(2).get("nameZh").asString()).isEqualTo("通知或风险揭示完整宣读");
		assertThat(criteria.json().get(2).get("nameEn").asString()).isEqualTo("Notice or risk disclosure read in full");
		assertThat(api.get("/api/v1/quality/criteria", "auditor1").status()).isEqualTo(200);
		assertThat(api.get("/api/v1/quality/criteria", "system").status()).isEqualTo(403);
	}

	@Test
	void aSupervisorScoresAnAnsweredCallInRevisionsEachAuditedAndTheAgentSeesTheirAverages() {
		String agent = callbacks.agent();
		String other = callbacks.agent();
		String callId = answeredCall(agent, "C" + UUID.randomUUID().toString().substring(0, 8));

		Api.Reply first = api.put("/api/v1/calls/" + callId + "/scorecard", "supervisor1",
				Map.of("scores", scores(18, 20, 25, 15, 10), "comments", Map.of("ACCURACY", "费率说明不完整"),
						"comment", "整体礼貌"));
		assertThat(first.status()).as(first.body()).isEqualTo(200);
		JsonNode card = first.json();
		assertThat(card.get("total").asInt()).isEqualTo(88);
		assertThat(card.get("revision").asInt()).isEqualTo(1);
		assertThat(card.get("agentId").asString()).isEqualTo(agent);
		assertThat(card.get("scoredBy").asString()).isEqualTo("supervisor1");
		assertThat(card.get("taskId").isNull()).isFalse();
		assertThat(card.get("comments").get("ACCURACY").asString()).isEqualTo("费率说明不完整");

		Api.Reply second = api.put("/api/v1/calls/" + callId + "/scorecard", "supervisor1",
				Map.of("scores", scores(20, 20, 25, 18, 15)));
		assertThat(second.status()).as(second.body()).isEqualTo(200);
		assertThat(second.json().get("revision").asInt()).isEqualTo(2);
		assertThat(second.json().get("total").asInt()).isEqualTo(98);

		JsonNode latest = api.get("/api/v1/calls/" + callId + "/scorecard", "auditor1").json();
		assertThat(latest.get("revision").asInt()).isEqualTo(2);
		assertThat(latest.get("revisions").asInt()).isEqualTo(2);
		assertThat(latest.get("total").asInt()).isEqualTo(98);
		assertThat(latest.get("comment").isNull()).isTrue();
		assertThat(jdbc.sql("select count(*) from call_scorecard where call_id = ?").param(UUID.fromString(callId))
			.query(Long.class).single()).as("revisions are appended, never updated").isEqualTo(2);
		assertThat(audited("SCORECARD_SAVED", callId)).isEqualTo(2);
		assertThat(published).anySatisfy(p -> {
			assertThat(p.event()).isEqualTo(new QualityEvents.ScorecardSaved(UUID.fromString(callId),
					UUID.fromString(card.get("taskId").asString()), agent, 98, 2, "supervisor1",
					java.time.Instant.parse(second.json().get("scoredAt").asString())));
			assertThat(p.inTransaction()).isTrue();
		});

		// the agent reads their own call's scorecard and their averages; another agent is refused
		assertThat(api.get("/api/v1/calls/" + callId + "/scorecard", agent).status()).isEqualTo(200);
		Api.Reply refused = api.get("/api/v1/calls/" + callId + "/scorecard", other);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("type").asString()).endsWith("/forbidden");
		assertThat(refused.json().get("code").asString()).isEqualTo("call.not-yours");
		assertThat(api.get("/api/v1/calls/" + callId + "/scorecard", "system").status()).isEqualTo(403);
		assertThat(api.put("/api/v1/calls/" + callId + "/scorecard", agent, Map.of("scores", scores(20, 20, 25, 20, 15)))
			.status()).as("agents do not score").isEqualTo(403);

		Api.Reply disposed = api.post("/api/v1/callbacks/" + card.get("taskId").asString() + "/disposition", agent,
				Map.of("disposition", "REACHED_CONFIRMED", "answers", Map.of()));
		assertThat(disposed.status()).as(disposed.body()).isEqualTo(200);
		String secondCall = answeredCall(agent, "C" + UUID.randomUUID().toString().substring(0, 8));
		assertThat(api.put("/api/v1/calls/" + secondCall + "/scorecard", "supervisor1",
				Map.of("scores", scores(10, 20, 20, 20, 10))).status()).isEqualTo(200);
		JsonNode mine = api.get("/api/v1/agents/me/scorecards", agent).json();
		assertThat(mine.get("agentId").asString()).isEqualTo(agent);
		assertThat(mine.get("count").asInt()).isEqualTo(2);
		assertThat(mine.get("averageTotal").decimalValue()).isEqualByComparingTo("89"); // (98 + 80) / 2
		assertThat(mine.get("byCriterion").get("GREETING_COURTESY").decimalValue()).isEqualByComparingTo("15");
		assertThat(mine.get("items").get(0).get("callId").asString()).as("newest first").isEqualTo(secondCall);
		assertThat(mine.get("items").get(1).get("revision").asInt()).as("the latest revision per call").isEqualTo(2);
		assertThat(api.get("/api/v1/agents/" + agent + "/scorecards", "supervisor1").json().get("count").asInt())
			.isEqualTo(2);
		assertThat(api.get("/api/v1/agents/" + agent + "/scorecards", other).status()).isEqualTo(403);
		assertThat(api.get("/api/v1/agents/" + other + "/scorecards", "auditor1").json().get("averageTotal").isNull())
			.isTrue();

		// the call and its recording show the latest scorecard
		JsonNode call = api.get("/api/v1/calls/" + callId, "supervisor1").json();
		assertThat(call.get("scorecard").get("total").asInt()).isEqualTo(98);
		assertThat(call.get("scorecard").get("scoredBy").asString()).isEqualTo("supervisor1");
		JsonNode recordings = api.get("/api/v1/recordings?agentId=" + agent, "supervisor1").json().get("content");
		assertThat(recordings).hasSize(2);
		recordings.forEach(r -> assertThat(r.get("scorecard").get("total").asInt())
			.isEqualTo(r.get("callId").asString().equals(callId) ? 98 : 80));
	}

	@Test
	void badScoresAreRefusedNamingTheFieldAndNothingIsWritten() {
		String agent = callbacks.agent();
		String callId = answeredCall(agent, "C" + UUID.randomUUID().toString().substring(0, 8));
		Map<String, Object> missing = scores(18, 20, 25, 15, 10);
		missing.remove("ACCURACY");
		Api.Reply noAccuracy = api.put("/api/v1/calls/" + callId + "/scorecard", "supervisor1", Map.of("scores", missing));
		assertThat(noAccuracy.status()).isEqualTo(400);
		assertThat(noAccuracy.json().get("field").asString()).isEqualTo("scores.ACCURACY");
		assertThat(noAccuracy.json().get("title").asString()).isEqualTo("质检评分无法受理");
		assertThat(noAccuracy.json().get("errors").get(0).get("message").asString()).isEqualTo("为必填项：0 至 20 分");

		Api.Reply tooHigh = api.put("/api/v1/calls/" + callId + "/scorecard", "supervisor1",
				Map.of("scores", scores(21, 20, 25, 15, 10)));
		assertThat(tooHigh.status()).isEqualTo(400);
		assertThat(tooHigh.json().get("field").asString()).isEqualTo("scores.GREETING_COURTESY");

		Api.Reply english = api.put("/api/v1/calls/" + callId + "/scorecard", "supervisor1", Map.of());
		assertThat(english.status()).isEqualTo(400);
		assertThat(english.json().get("field").asString()).isEqualTo("scores");

		assertThat(jdbc.sql("select count(*) from call_scorecard where call_id = ?").param(UUID.fromString(callId))
			.query(Long.class).single()).isZero();
		assertThat(audited("SCORECARD_SAVED", callId)).isZero();
		assertThat(api.get("/api/v1/calls/" + callId + "/scorecard", "supervisor1").status()).isEqualTo(404);
	}

	@Test
	void aCallTheClientDidNotAnswerCannotBeScored() {
		String agent = callbacks.agent();
		String phone = CallbackFixture.phone();
		pbx.script(phone, CallScript.busy());
		String taskId = callbacks.task(agent, "COMPLAINT_FOLLOWUP", phone);
		String callId = callbacks.takeAndDial(agent, taskId);
		callbacks.awaitTask(taskId, "busy", t -> "BUSY".equals(CallbackFixture.lastCall(t).path("outcome").asString()));

		Api.Reply refused = api.put("/api/v1/calls/" + callId + "/scorecard", "supervisor1",
				Map.of("scores", scores(18, 20, 25, 15, 10)));
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.json().get("code").asString()).isEqualTo("call.not-answered");
		assertThat(api.put("/api/v1/calls/" + UUID.randomUUID() + "/scorecard", "supervisor1",
				Map.of("scores", scores(18, 20, 25, 15, 10))).status()).isEqualTo(404);
	}

	@Test
	void notesAreAppendedByTheTasksAgentOrASupervisorAndListedOldestFirst() {
		String agent = callbacks.agent();
		String other = callbacks.agent();
		String taskId = callbacks.task(agent, "COMPLAINT_FOLLOWUP", CallbackFixture.phone());

		Api.Reply first = api.post("/api/v1/callbacks/" + taskId + "/notes", agent, Map.of("text", "客户要求下午三点后回电"));
		assertThat(first.status()).as(first.body()).isEqualTo(201);
		assertThat(first.json().get("author").asString()).isEqualTo(agent);
		assertThat(first.json().get("taskId").asString()).isEqualTo(taskId);
		Api.Reply second = api.post("/api/v1/callbacks/" + taskId + "/notes", "supervisor1", Map.of("text", "已安排复核"));
		assertThat(second.status()).isEqualTo(201);

		Api.Reply refused = api.post("/api/v1/callbacks/" + taskId + "/notes", other, Map.of("text", "不是我的任务"));
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("code").asString()).isEqualTo("task.not-yours");
		assertThat(api.post("/api/v1/callbacks/" + taskId + "/notes", "auditor1", Map.of("text", "x")).status())
			.isEqualTo(403);
		Api.Reply tooLong = api.post("/api/v1/callbacks/" + taskId + "/notes", agent, Map.of("text", "长".repeat(2001)));
		assertThat(tooLong.status()).isEqualTo(400);
		assertThat(tooLong.json().get("field").asString()).isEqualTo("text");
		assertThat(api.post("/api/v1/callbacks/" + taskId + "/notes", agent, Map.of("text", "  ")).status())
			.isEqualTo(400);
		assertThat(api.post("/api/v1/callbacks/" + UUID.randomUUID() + "/notes", "supervisor1", Map.of("text", "x"))
			.status()).isEqualTo(404);

		JsonNode notes = api.get("/api/v1/callbacks/" + taskId, agent).json().get("notes");
		assertThat(notes).hasSize(2);
		assertThat(notes.get(0).get("text").asString()).isEqualTo("客户要求下午三点后回电");
		assertThat(notes.get(1).get("author").asString()).isEqualTo("supervisor1");
		assertThat(notes.get(0).get("id").asString()).isEqualTo(first.json().get("id").asString());
		assertThat(published).anySatisfy(p -> {
			assertThat(p.event()).isInstanceOfSatisfying(CallbackEvents.TaskNoteAdded.class,
					e -> assertThat(e.noteId().toString()).isEqualTo(second.json().get("id").asString()));
			assertThat(p.inTransaction()).isTrue();
		});
	}

	@Test
	void anAgentReadsTheHistoryOfTheirTasksClientOnly() {
		String agent = callbacks.agent();
		String other = callbacks.agent();
		String client = "C" + UUID.randomUUID().toString().substring(0, 8);
		Api.Reply notice = api.post("/api/v1/notices", "system", Map.of("type", "GENERAL", "clientId", client,
				"clientName", "王五", "phone", "13800138000", "channels", List.of("SMS"),
				"params", Map.of("message", "您的账单已生成。")));
		assertThat(notice.status()).as(notice.body()).isEqualTo(202);
		String callId = answeredCall(agent, client);

		Api.Reply history = api.get("/api/v1/clients/" + client + "/history", agent);
		assertThat(history.status()).as(history.body()).isEqualTo(200);
		JsonNode h = history.json();
		assertThat(h.get("clientId").asString()).isEqualTo(client);
		assertThat(h.get("notices")).hasSize(1);
		assertThat(h.get("notices").get(0).get("id").asString()).isEqualTo(notice.json().get("id").asString());
		assertThat(h.get("notices").get(0).get("type").asString()).isEqualTo("GENERAL");
		assertThat(h.get("notices").get(0).get("channels").get(0).asString()).isEqualTo("SMS");
		assertThat(h.get("tasks")).hasSize(1);
		assertThat(h.get("tasks").get(0).get("state").asString()).isEqualTo("WRAP_UP");
		assertThat(h.get("calls")).hasSize(1);
		JsonNode call = h.get("calls").get(0);
		assertThat(call.get("id").asString()).isEqualTo(callId);
		assertThat(call.get("outcome").asString()).isEqualTo("ANSWERED");
		assertThat(call.get("recording").get("state").asString()).isEqualTo("STORED");
		assertThat(call.get("recording").get("evidenceId").isNull()).isFalse();

		Api.Reply refused = api.get("/api/v1/clients/" + client + "/history", other);
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.json().get("code").asString()).isEqualTo("client.not-yours");
		assertThat(api.get("/api/v1/clients/" + client + "/history", "supervisor1").status()).isEqualTo(200);
		assertThat(api.get("/api/v1/clients/nobody/history", "auditor1").json().get("tasks")).isEmpty();
		assertThat(api.get("/api/v1/clients/" + client + "/history", "system").status()).isEqualTo(403);
	}

	@Test
	void theQueuePreviewIsTheOrderInWhichTheDialerThenOffersTheTasks() {
		String agent = callbacks.agent();
		String team = "team-" + agent;
		List<String> created = new ArrayList<>();
		// reserved for the agent: offered before any of the team's, whatever their priority
		created.add(create(Map.of("agentId", agent, "team", team, "priority", 1, "dueBy", "2030-01-03T20:00:00+08:00")));
		created.add(create(Map.of("agentId", agent, "team", team, "priority", 5, "dueBy", "2030-01-05T20:00:00+08:00")));
		created.add(create(Map.of("agentId", agent, "team", team, "priority", 1, "dueBy", "2030-01-02T20:00:00+08:00")));
		// the team's
		created.add(create(Map.of("team", team, "priority", 9, "dueBy", "2030-01-09T20:00:00+08:00")));
		created.add(create(Map.of("team", team, "priority", 3, "dueBy", "2030-01-01T20:00:00+08:00")));
		created.add(create(Map.of("team", team, "priority", 3, "dueBy", "2030-01-04T20:00:00+08:00")));
		// another team's: never offered to this agent
		create(Map.of("team", "team-elsewhere", "priority", 9, "dueBy", "2030-01-01T20:00:00+08:00"));

		Api.Reply preview = api.get("/api/v1/agents/me/queue?limit=10", agent);
		assertThat(preview.status()).as(preview.body()).isEqualTo(200);
		List<String> previewed = new ArrayList<>();
		preview.json().forEach(t -> previewed.add(t.get("id").asString()));
		assertThat(previewed).containsExactlyInAnyOrderElementsOf(created);
		JsonNode head = preview.json().get(0);
		assertThat(head.get("reservedForMe").asBoolean()).isTrue();
		assertThat(head.get("inWindowNow").asBoolean()).isTrue();
		assertThat(head.get("clientName").asString()).isEqualTo("王五");
		assertThat(head.get("secondsLeft").asLong()).isPositive();
		assertThat(preview.json().get(5).get("reservedForMe").asBoolean()).isFalse();
		assertThat(api.get("/api/v1/agents/me/queue?limit=2", agent).json()).hasSize(2);
		Api.Reply badLimit = api.get("/api/v1/agents/me/queue?limit=0", agent);
		assertThat(badLimit.status()).isEqualTo(400);
		assertThat(badLimit.json().get("field").asString()).isEqualTo("limit");
		for (String id : created) {
			assertThat(callbacks.task(id).get("state").asString()).as("the preview offers nothing").isEqualTo("QUEUED");
		}

		// now let the dialer offer them, one after another
		assertThat(api.put("/api/v1/agents/me/state", agent, Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
		List<String> offered = new ArrayList<>();
		for (int i = 0; i < created.size(); i++) {
			Api.Reply next = api.post("/api/v1/agents/me/next", agent, "");
			assertThat(next.status()).as(next.body()).isEqualTo(200);
			String id = next.json().get("id").asString();
			offered.add(id);
			assertThat(api.post("/api/v1/callbacks/" + id + "/cancel", "supervisor1", Map.of("reason", "test")).status())
				.isEqualTo(200);
		}
		assertThat(offered).isEqualTo(previewed);
		assertThat(api.post("/api/v1/agents/me/next", agent, "").status()).isEqualTo(204);
		assertThat(api.get("/api/v1/agents/me/queue", agent).json()).isEmpty();
	}

	private String create(Map<String, Object> fields) {
		Map<String, Object> t = new LinkedHashMap<>(fields);
		t.put("type", "COMPLAINT_FOLLOWUP");
		t.put("clientId", "C" + UUID.randomUUID().toString().substring(0, 8));
		t.put("clientName", "王五");
		t.put("phone", CallbackFixture.phone());
		Api.Reply r = api.post("/api/v1/callbacks", "system", t);
		assertThat(r.status()).as(r.body()).isEqualTo(201);
		return r.json().get("id").asString();
	}

}
