package ackline.callback;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ackline.AcklineApplication;
import ackline.calendar.BusinessCalendar;
import ackline.testing.Api;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The call-back queue through the API, without a PBX: creating tasks (defaults, validation, idempotency), offering
 * them (priority, due, reservation and its release, never one task to two agents), agent states.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CallbackQueueIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.callbacks.reservation-release", () -> "1s");
		registry.add("ackline.callbacks.offer-timeout", () -> "3s");
		registry.add("ackline.callbacks.reconcile-interval", () -> "500ms");
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	ackline.security.TestUsers users;

	Api api;

	@BeforeAll
	void setUp() {
		api = new Api(port);
		for (int i = 1; i <= 8; i++) {
			users.agent("qagent" + i);
		}
	}

	private Map<String, Object> task(String type, String team, int priority) {
		Map<String, Object> t = new LinkedHashMap<>();
		t.put("type", type);
		t.put("clientId", "C" + UUID.randomUUID().toString().substring(0, 8));
		t.put("clientName", "测试客户");
		t.put("phone", "13900139001");
		t.put("dueBy", "2030-01-01T20:00:00+08:00");
		t.put("priority", priority);
		t.put("team", team);
		return t;
	}

	private String create(Map<String, Object> body) {
		Api.Reply r = api.post("/api/v1/callbacks", "system", body);
		assertThat(r.status()).as(r.body()).isEqualTo(201);
		return r.json().get("id").asText();
	}

	@Test
	void newAccountTaskIsDueFiveBusinessDaysAfterOpeningOnTheHolidayCalendar() {
		Map<String, Object> body = new LinkedHashMap<>(Map.of("type", "NEW_ACCOUNT", "clientId", "C100", "clientName", "钱七",
				"phone", "１３９００１３９００１", "openedOn", "2026-09-30", "idempotencyKey", UUID.randomUUID().toString()));
		Api.Reply created = api.post("/api/v1/callbacks", "system", body);
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		LocalDate expected = BusinessCalendar.bundled().plusBusinessDays(LocalDate.of(2026, 9, 30), 5);
		String due = created.json().get("dueBy").asText();
		assertThat(java.time.Instant.parse(due).atZone(ZoneId.of("Asia/Shanghai")).toLocalDate()).isEqualTo(expected);

		JsonNode task = api.get("/api/v1/callbacks/" + created.json().get("id").asText(), "system").json();
		assertThat(task.get("phone").asText()).isEqualTo("+8613900139001");
		assertThat(task.get("state").asText()).isEqualTo("QUEUED");
		assertThat(task.get("recordRequired").asBoolean()).isTrue();
		assertThat(task.get("script").get("questions").size()).isGreaterThanOrEqualTo(5);
		assertThat(task.get("history").get(0).get("kind").asText()).isEqualTo("CREATED");

		Api.Reply again = api.post("/api/v1/callbacks", "system", body);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.json().get("id").asText()).isEqualTo(created.json().get("id").asText());
	}

	@Test
	void badTasksAreRefusedNamingTheFieldAndNothingIsWritten() {
		long before = jdbc.sql("select count(*) from callback_task").query(Long.class).single();
		Api.Reply noOpening = api.post("/api/v1/callbacks", "system",
				Map.of("type", "NEW_ACCOUNT", "clientId", "C1", "phone", "13900139001"));
		assertThat(noOpening.status()).isEqualTo(400);
		assertThat(noOpening.json().get("field").asText()).isEqualTo("openedOn");
		assertThat(noOpening.json().get("title").asText()).isEqualTo("回访任务或操作无法受理");

		Api.Reply badPhone = api.post("/api/v1/callbacks", "system",
				Map.of("type", "COMPLAINT_FOLLOWUP", "clientId", "C1", "phone", "12345"));
		assertThat(badPhone.status()).isEqualTo(400);
		assertThat(badPhone.json().get("field").asText()).isEqualTo("phone");

		Api.Reply badType = api.post("/api/v1/callbacks", "system",
				Map.of("type", "COFFEE", "clientId", "C1", "phone", "13900139001"));
		assertThat(badType.status()).isEqualTo(400);
		assertThat(badType.json().get("field").asText()).isEqualTo("type");

		Api.Reply badPriority = api.post("/api/v1/callbacks", "system", Map.of("type", "COMPLAINT_FOLLOWUP",
				"clientId", "C1", "phone", "13900139001", "priority", 12, "earliest", "not a date"));
		assertThat(badPriority.status()).isEqualTo(400);

		Api.Reply agentMayNotCreate = api.post("/api/v1/callbacks", "agent1", task("COMPLAINT_FOLLOWUP", null, 1));
		assertThat(agentMayNotCreate.status()).isEqualTo(403);
		assertThat(jdbc.sql("select count(*) from callback_task").query(Long.class).single()).isEqualTo(before);
	}

	@Test
	void agentsAreOfferedTheHighestPriorityThenTheEarliestDueAndTheServerOwnsTheirState() {
		String team = "team-" + UUID.randomUUID().toString().substring(0, 6);
		users.agent("prio1");
		jdbc.sql("insert into agent (id, state, mode, team, endpoint, since, updated_at) values ('prio1', 'OFFLINE', 'PREVIEW', ?, 'prio1', now(), now())")
			.param(team).update();
		String low = create(task("ROUTINE_MONTHLY", team, 1));
		String high = create(task("COMPLAINT_FOLLOWUP", team, 9));
		String mid = create(task("ABNORMAL_TRADE", team, 5));

		assertThat(api.post("/api/v1/agents/me/next", "prio1", "").status()).as("offline agents get nothing").isEqualTo(409);
		assertThat(api.put("/api/v1/agents/me/state", "prio1", Map.of("state", "ON_CALL")).status()).isEqualTo(400);
		Api.Reply pausedWithoutReason = api.put("/api/v1/agents/me/state", "prio1", Map.of("state", "PAUSED"));
		assertThat(pausedWithoutReason.status()).isEqualTo(400);
		assertThat(pausedWithoutReason.json().get("field").asText()).isEqualTo("reason");

		assertThat(api.put("/api/v1/agents/me/state", "prio1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
		List<String> order = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Api.Reply next = api.post("/api/v1/agents/me/next", "prio1", "");
			assertThat(next.status()).as(next.body()).isEqualTo(200);
			String id = next.json().get("id").asText();
			assertThat(api.post("/api/v1/agents/me/next", "prio1", "").json().get("id").asText())
				.as("asking again returns the task already offered").isEqualTo(id);
			order.add(id);
			// without a PBX the agent records the outcome without a call
			Api.Reply dispo = api.post("/api/v1/callbacks/" + id + "/disposition", "prio1",
					Map.of("disposition", "INVALID_NUMBER", "notes", "空号"));
			assertThat(dispo.status()).as(dispo.body()).isEqualTo(200);
			assertThat(dispo.json().get("state").asText()).isEqualTo("FAILED");
		}
		assertThat(order).containsExactly(high, mid, low);
		assertThat(api.post("/api/v1/agents/me/next", "prio1", "").status()).isEqualTo(204);
		JsonNode failed = api.get("/api/v1/callbacks/" + low, "system").json();
		assertThat(failed.get("failureReason").asText()).isEqualTo("INVALID_NUMBER");
		assertThat(failed.get("dispositionNotes").asText()).isEqualTo("空号");
		assertThat(failed.get("notes").isArray()).as("the task's notes, not the disposition's").isTrue();
	}

	@Test
	void aReservedTaskWaitsForItsAgentAndGoesToTheTeamWhenTheAgentIsAway() throws Exception {
		String team = "team-" + UUID.randomUUID().toString().substring(0, 6);
		users.agent("owner1");
		users.agent("other1");
		for (String a : List.of("owner1", "other1")) {
			jdbc.sql("insert into agent (id, state, mode, team, endpoint, since, updated_at) values (?, 'OFFLINE', 'PREVIEW', ?, ?, now(), now())")
				.params(a, team, a).update();
		}
		Map<String, Object> body = task("COMPLAINT_FOLLOWUP", team, 5);
		body.put("agentId", "owner1");
		String reserved = create(body);
		api.put("/api/v1/agents/me/state", "owner1", Map.of("state", "AVAILABLE"));
		api.put("/api/v1/agents/me/state", "other1", Map.of("state", "AVAILABLE"));
		Thread.sleep(1500);
		assertThat(drainExcept("other1", reserved)).as("its agent is here").isFalse();

		api.put("/api/v1/agents/me/state", "owner1", Map.of("state", "PAUSED", "reason", "培训"));
		assertThat(drainExcept("other1", reserved)).as("away, but only just").isFalse();
		Thread.sleep(1500);
		Api.Reply released = api.post("/api/v1/agents/me/next", "other1", "");
		assertThat(released.status()).isEqualTo(200);
		assertThat(released.json().get("id").asText()).isEqualTo(reserved);
	}

	/**
	 * Takes (and closes) every task the agent is offered, other tests' open tasks included; returns true if one of them
	 * was {@code watched} (left open, offered).
	 */
	private boolean drainExcept(String agent, String watched) {
		while (true) {
			Api.Reply next = api.post("/api/v1/agents/me/next", agent, "");
			if (next.status() == 204) {
				return false;
			}
			String id = next.json().get("id").asText();
			if (id.equals(watched)) {
				return true;
			}
			api.post("/api/v1/callbacks/" + id + "/disposition", agent, Map.of("disposition", "DO_NOT_CALL"));
		}
	}

	@Test
	void eightAgentsTakingFortyTasksAtOnceNeverShareOne() throws Exception {
		String team = "team-" + UUID.randomUUID().toString().substring(0, 6);
		List<String> agents = new ArrayList<>();
		for (int i = 1; i <= 8; i++) {
			String a = "qagent" + i;
			agents.add(a);
			jdbc.sql("insert into agent (id, state, mode, team, endpoint, since, updated_at) values (?, 'OFFLINE', 'PREVIEW', ?, ?, now(), now()) on conflict (id) do update set team = excluded.team")
				.params(a, team, a).update();
			api.put("/api/v1/agents/me/state", a, Map.of("state", "AVAILABLE"));
		}
		Set<String> created = new HashSet<>();
		for (int i = 0; i < 40; i++) {
			created.add(create(task("QUALITY_SAMPLE", team, i % 10)));
		}
		List<String> offered = Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<Future<?>> running = new ArrayList<>();
		for (String a : agents) {
			running.add(pool.submit(() -> {
				while (true) {
					Api.Reply next = api.post("/api/v1/agents/me/next", a, "");
					if (next.status() == 204) {
						return null;
					}
					assertThat(next.status()).as(next.body()).isEqualTo(200);
					String id = next.json().get("id").asText();
					offered.add(a + ":" + id);
					Api.Reply dispo = api.post("/api/v1/callbacks/" + id + "/disposition", a,
							Map.of("disposition", "DO_NOT_CALL"));
					assertThat(dispo.status()).as(dispo.body()).isEqualTo(200);
				}
			}));
		}
		for (Future<?> f : running) {
			f.get();
		}
		pool.shutdown();
		List<String> ids = offered.stream().map(s -> s.substring(s.indexOf(':') + 1)).toList();
		assertThat(ids).doesNotHaveDuplicates();
		assertThat(ids).containsAll(created);
		assertThat(jdbc.sql("select count(*) from callback_event e join callback_task t on t.id = e.task_id where t.team = ? and e.kind = 'STATE' and e.detail->>'to' = 'OFFERED'")
			.param(team).query(Long.class).single()).isEqualTo(40);
	}

	@Test
	void aCancelledTaskLeavesTheQueueAndFreesTheAgentItWasOfferedTo() {
		String team = "team-" + UUID.randomUUID().toString().substring(0, 6);
		users.agent("cancel1");
		jdbc.sql("insert into agent (id, state, mode, team, endpoint, since, updated_at) values ('cancel1', 'OFFLINE', 'PREVIEW', ?, 'cancel1', now(), now())")
			.param(team).update();
		Map<String, Object> body = task("COMPLAINT_FOLLOWUP", team, 5);
		body.put("agentId", "cancel1");
		String id = create(body);
		api.put("/api/v1/agents/me/state", "cancel1", Map.of("state", "AVAILABLE"));
		assertThat(api.post("/api/v1/agents/me/next", "cancel1", "").json().get("id").asText()).isEqualTo(id);
		assertThat(api.post("/api/v1/callbacks/" + id + "/cancel", "agent1", Map.of()).status()).isEqualTo(403);
		Api.Reply cancelled = api.post("/api/v1/callbacks/" + id + "/cancel", "supervisor1", Map.of("reason", "客户已销户"));
		assertThat(cancelled.json().get("state").asText()).isEqualTo("CANCELLED");
		JsonNode agent = api.get("/api/v1/agents/me", "cancel1").json();
		assertThat(agent.get("state").asText()).isEqualTo("AVAILABLE");
		assertThat(agent.has("currentTask") && !agent.get("currentTask").isNull()).isFalse();
		JsonNode task = api.get("/api/v1/callbacks/" + id, "system").json();
		assertThat(task.get("failureReason")).isNull();
		assertThat(task.get("history").toString()).contains("客户已销户");
	}

	@Test
	void aClientCalledThreeTimesTodayIsNotOfferedAgainToday() {
		String team = "team-" + UUID.randomUUID().toString().substring(0, 6);
		users.agent("cap1");
		jdbc.sql("insert into agent (id, state, mode, team, endpoint, since, updated_at) values ('cap1', 'OFFLINE', 'PREVIEW', ?, 'cap1', now(), now())")
			.param(team).update();
		Map<String, Object> body = task("COMPLAINT_FOLLOWUP", team, 9);
		body.put("phone", "13700137000");
		body.put("agentId", "cap1");
		String capped = create(body);
		for (int i = 0; i < 3; i++) {
			jdbc.sql("""
					insert into call (id, kind, phone, state, outcome, record_required, recording_file, recording_state,
					    created_at, updated_at, ended_at)
					values (?, 'AGENT', '+8613700137000', 'ENDED', 'NO_ANSWER', true, 'x.wav', 'NOT_RECORDED', now(), now(), now())""")
				.param(UUID.randomUUID()).update();
		}
		api.put("/api/v1/agents/me/state", "cap1", Map.of("state", "AVAILABLE"));
		assertThat(drainExcept("cap1", capped)).as("the per-client daily cap (3) holds the task back").isFalse();
	}

	@Test
	void aTaskOfferedToAnAgentWhoWalkedAwayGoesBackToTheQueue() {
		String team = "team-" + UUID.randomUUID().toString().substring(0, 6);
		users.agent("away1");
		jdbc.sql("insert into agent (id, state, mode, team, endpoint, since, updated_at) values ('away1', 'OFFLINE', 'PREVIEW', ?, 'away1', now(), now())")
			.param(team).update();
		Map<String, Object> body = task("COMPLAINT_FOLLOWUP", team, 5);
		body.put("agentId", "away1");
		String id = create(body);
		api.put("/api/v1/agents/me/state", "away1", Map.of("state", "AVAILABLE"));
		assertThat(api.post("/api/v1/agents/me/next", "away1", "").json().get("id").asText()).isEqualTo(id);
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
			.until(() -> "QUEUED".equals(api.get("/api/v1/callbacks/" + id, "system").json().get("state").asText()));
		JsonNode agent = api.get("/api/v1/agents/me", "away1").json();
		assertThat(agent.get("state").asText()).isEqualTo("PAUSED");
		assertThat(agent.get("reason").asText()).isEqualTo("OFFER_EXPIRED");
		assertThat(api.get("/api/v1/callbacks/" + id, "system").json().get("history").toString()).contains("OFFER_EXPIRED");
	}

	@Test
	void overdueTasksAreListed() {
		Map<String, Object> body = task("COMPLAINT_FOLLOWUP", "nobody", 5);
		body.put("earliest", "2026-01-01T09:00:00+08:00");
		body.put("dueBy", "2026-01-02T20:00:00+08:00");
		String late = create(body);
		JsonNode overdue = api.get("/api/v1/callbacks?overdue=true&limit=1000", "supervisor1").json();
		List<String> ids = new ArrayList<>();
		overdue.forEach(t -> ids.add(t.get("id").asText()));
		assertThat(ids).contains(late);
		overdue.forEach(t -> assertThat(t.get("overdue").asBoolean()).isTrue());
		assertThat(api.get("/api/v1/callbacks/" + late, "agent1").status()).as("not agent1's task").isEqualTo(404);
	}

}
