package ackline.live;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ackline.AcklineApplication;
import ackline.testing.Api;
import ackline.testing.LiveClient;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Live consoles over real STOMP/WebSocket on the running app, with the machine's PostgreSQL and Redis: messages after
 * commit with per-stream sequence numbers, snapshots that line up with them, who may subscribe to what, the browser
 * session's CSRF token on CONNECT, and re-syncing after Redis loses the subscription or the numbering.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LiveIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	static final String PREFIX = "test:" + UUID.randomUUID() + ":";

	static final Duration WAIT = Duration.ofSeconds(20);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.redis.key-prefix", () -> PREFIX);
	}

	@LocalServerPort
	int port;

	Api api;

	@BeforeAll
	void setUp() {
		api = new Api(port);
	}

	private String createTask(String agent) {
		Map<String, Object> t = new LinkedHashMap<>();
		t.put("type", "COMPLAINT_FOLLOWUP");
		t.put("clientId", "C" + UUID.randomUUID().toString().substring(0, 8));
		t.put("clientName", "实时客户");
		t.put("phone", "13900139001");
		t.put("dueBy", "2030-01-01T20:00:00+08:00");
		if (agent != null) {
			t.put("agentId", agent);
		}
		Api.Reply r = api.post("/api/v1/callbacks", "system", t);
		assertThat(r.status()).as(r.body()).isEqualTo(201);
		return r.json().get("id").asString();
	}

	@Test
	void aSupervisorSeesAgentsAndTasksLiveAndTheAgentOnlyItsOwn() throws Exception {
		try (LiveClient supervisor = LiveClient.basic(port, "supervisor1");
				LiveClient agent = LiveClient.basic(port, "agent1");
				LiveClient other = LiveClient.basic(port, "agent2")) {
			supervisor.subscribe("/topic/agents").subscribe("/topic/tasks").subscribe("/topic/queues");
			agent.subscribe("/user/queue/agent").subscribe("/user/queue/tasks");
			other.subscribe("/user/queue/tasks");
			Thread.sleep(300); // subscriptions are asynchronous: let them reach the broker

			assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
			LiveClient.Received seen = supervisor.await(m -> m.type().equals("AGENT_STATE")
					&& m.data().get("agentId").asString().equals("agent1") && m.data().get("state").asString().equals("AVAILABLE"), WAIT);
			assertThat(seen.body().get("stream").asString()).isEqualTo("agents");
			assertThat(seen.body().get("id").asString()).isEqualTo("agent1");
			assertThat(seen.data().get("displayName").asString()).isEqualTo("坐席一 / Agent 1");
			assertThat(agent.await(m -> m.destination().equals("/user/queue/agent") && m.type().equals("AGENT_STATE"), WAIT)
				.data().get("state").asString()).isEqualTo("AVAILABLE");

			String task = createTask("agent1");
			assertThat(supervisor.await(m -> m.type().equals("TASK_STATE") && m.body().get("id").asString().equals(task), WAIT)
				.data().get("state").asString()).isEqualTo("QUEUED");
			assertThat(supervisor.await(m -> m.type().equals("QUEUE_DEPTH") && m.body().get("id").asString().equals("COMPLAINT_FOLLOWUP"), WAIT)
				.data().get("queued").asLong()).isPositive();
			assertThat(agent.await(m -> m.destination().equals("/user/queue/tasks") && m.body().get("id").asString().equals(task),
					WAIT).data().get("reservedFor").asString()).isEqualTo("agent1");

			Api.Reply offer = api.post("/api/v1/agents/me/next", "agent1", Map.of());
			assertThat(offer.status()).as(offer.body()).isEqualTo(200);
			assertThat(offer.json().get("id").asString()).isEqualTo(task);
			assertThat(agent.await(m -> m.type().equals("TASK_OFFERED") && m.body().get("id").asString().equals(task), WAIT)
				.data().get("agentId").asString()).isEqualTo("agent1");

			// sequence numbers: one per message, increasing by one, per stream
			List<LiveClient.Received> agentStream = new java.util.ArrayList<>();
			agentStream.add(seen);
			assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "PAUSED", "reason", "培训")).status())
				.isEqualTo(200);
			agentStream.add(supervisor.await(m -> m.type().equals("AGENT_STATE") && m.data().get("state").asString().equals("PAUSED"), WAIT));
			assertThat(agentStream.get(1).seq()).isGreaterThan(agentStream.get(0).seq());

			// the snapshot's number is where the messages stand
			JsonNode snapshot = api.get("/api/v1/live/snapshot?streams=agents,tasks,wallboard", "supervisor1").json().get("streams");
			assertThat(snapshot.get("agents").get("seq").asLong()).isGreaterThanOrEqualTo(agentStream.get(1).seq());
			assertThat(snapshot.get("agents").get("items").valueStream()
				.filter(a -> a.get("agentId").asString().equals("agent1")).findFirst().orElseThrow().get("state").asString())
				.isEqualTo("PAUSED");
			assertThat(snapshot.get("wallboard").get("items").get(0).get("noticesToday").has("acknowledged")).isTrue();

			// agent2 heard nothing of agent1's task
			Thread.sleep(500);
			assertThat(other.drain()).noneMatch(m -> m.body().get("id").asString().equals(task));
			assertThat(other.errors()).isEmpty();
			api.post("/api/v1/callbacks/" + task + "/cancel", "supervisor1", Map.of("reason", "test"));
		}
	}

	@Test
	void anExportsProgressReachesItsRequesterAndNobodyElse() throws Exception {
		try (LiveClient auditor = LiveClient.basic(port, "auditor1"); LiveClient supervisor = LiveClient.basic(port, "supervisor1")) {
			auditor.subscribe("/user/queue/exports");
			supervisor.subscribe("/user/queue/exports");
			Thread.sleep(300);
			Api.Reply requested = api.post("/api/v1/evidence/exports", "auditor1", Map.of("clientId", "C-LIVE-EXPORT"));
			assertThat(requested.status()).as(requested.body()).isEqualTo(202);
			String id = requested.json().get("id").asString();
			LiveClient.Received done = auditor.await(m -> m.type().equals("EXPORT_STATE") && m.body().get("id").asString().equals(id)
					&& m.data().get("state").asString().equals("DONE"), WAIT);
			assertThat(done.data().get("bundleSha256").asString()).hasSize(64);
			JsonNode mine = api.get("/api/v1/live/snapshot?streams=myexports", "auditor1").json().get("streams").get("myexports");
			assertThat(mine.get("seq").asLong()).isGreaterThanOrEqualTo(done.seq());
			assertThat(mine.get("items").get(0).get("id").asString()).isEqualTo(id);
			Thread.sleep(300);
			assertThat(supervisor.drain()).isEmpty();
			assertThat(api.get("/api/v1/live/snapshot?streams=myexports", "agent1").status()).isEqualTo(403);
		}
	}

	@Test
	void anAgentIsRefusedSupervisorStreamsSnapshotsAndSending() throws Exception {
		try (LiveClient agent = LiveClient.basic(port, "agent2")) {
			agent.subscribe("/topic/calls");
			assertThat(agent.closed().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
			assertThat(agent.errors()).as(agent.errors().toString()).anyMatch(e -> e.contains("refused"));
		}
		try (LiveClient agent = LiveClient.basic(port, "agent2")) {
			agent.send("/topic/agents", "{\"type\":\"AGENT_STATE\"}");
			assertThat(agent.closed().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
		}
		// refusals are in the access audit (R-EV-5)
		JsonNode refused = api.get("/api/v1/audit?actor=agent2&action=LIVE_SUBSCRIBE_REFUSED", "auditor1").json();
		assertThat(refused.valueStream().map(e -> e.get("objectId").asString())).contains("/topic/calls");
		assertThat(api.get("/api/v1/audit?actor=agent2&action=LIVE_SEND_REFUSED", "auditor1").json().size()).isPositive();
		assertThat(api.get("/api/v1/live/snapshot?streams=calls", "agent2").status()).isEqualTo(403);
		assertThat(api.get("/api/v1/live/snapshot?streams=mytasks,me,queues", "agent2").status()).isEqualTo(200);
		Api.Reply unknown = api.get("/api/v1/live/snapshot?streams=everything", "supervisor1");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.body()).contains("streams");
		assertThatThrownBy(() -> LiveClient.basic(LiveClient.stompClient(), port, "agent2", "wrong"))
			.hasStackTraceContaining("initiate the WebSocket connection");
		HttpResponse<String> handshake = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ws"))
			.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("agent2:wrong".getBytes()))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(handshake.statusCode()).isEqualTo(401);
	}

	@Test
	void aBrowserSessionConnectsOnlyWithItsCsrfToken() throws Exception {
		HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
		String base = "http://127.0.0.1:" + port;
		String page = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
		Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).as(page).isTrue();
		HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(Api.encode(Map.of("username", "supervisor1", "password", "supervisor1",
					"_csrf", csrf.group(1)))))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(login.statusCode()).isEqualTo(302);
		String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID=")).findFirst()
			.orElseThrow().split(";")[0];
		HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/me")).header("Cookie", cookie).build(),
				HttpResponse.BodyHandlers.ofString());
		JsonNode who = Api.mapper().readTree(me.body());
		assertThat(who.get("username").asString()).isEqualTo("supervisor1");
		assertThat(who.get("roles").get(0).asString()).isEqualTo("SUPERVISOR");
		String header = who.get("csrf").get("headerName").asString();
		String token = who.get("csrf").get("token").asString();

		try (LiveClient forged = LiveClient.session(port, cookie, Map.of())) {
			// CONNECT without the token: the server answers with an ERROR frame and closes
			assertThat(forged.closed().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException refusedAtConnect) {
			// equally a refusal: the session never opened
		}
		try (LiveClient browser = LiveClient.session(port, cookie, Map.of(header, token))) {
			browser.subscribe("/topic/agents");
			Thread.sleep(300);
			api.put("/api/v1/agents/me/state", "agent2", Map.of("state", "AVAILABLE"));
			assertThat(browser.await(m -> m.type().equals("AGENT_STATE") && m.body().get("id").asString().equals("agent2"), WAIT)
				.data().get("state").asString()).isEqualTo("AVAILABLE");
			api.put("/api/v1/agents/me/state", "agent2", Map.of("state", "OFFLINE"));
		}
	}

	@Test
	void consolesAreToldToResyncWhenRedisDropsTheSubscriptionAndSeeTheNumberingRestartAfterAFlush() throws Exception {
		try (LiveClient supervisor = LiveClient.basic(port, "supervisor1")) {
			supervisor.subscribe("/topic/agents");
			Thread.sleep(300);
			api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "PAUSED", "reason", "会议"));
			api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE"));
			long before = supervisor.await(m -> m.type().equals("AGENT_STATE") && m.data().get("state").asString().equals("AVAILABLE"),
					WAIT).seq();

			try (Jedis redis = new Jedis(URI.create(TestServices.REDIS_URL))) {
				// every subscriber connection of every app: this node loses its live subscription and re-subscribes
				redis.clientKill(new ClientKillParams().type(ClientType.PUBSUB));
			}
			supervisor.await(m -> m.type().equals("RESYNC"), WAIT);

			try (Jedis redis = new Jedis(URI.create(TestServices.REDIS_URL))) {
				for (String key : redis.keys(PREFIX + "live:seq:*")) {
					redis.del(key); // what FLUSHALL does to this app's numbering, without touching other tests' keys
				}
			}
			await().atMost(WAIT).untilAsserted(() -> {
				api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "PAUSED", "reason", "休息"));
				api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE"));
				LiveClient.Received after = supervisor.await(m -> m.type().equals("AGENT_STATE"), Duration.ofSeconds(5));
				assertThat(after.seq()).isLessThan(before + 1).isPositive(); // a reset: the console re-syncs
			});
			api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "OFFLINE"));
		}
	}

}
