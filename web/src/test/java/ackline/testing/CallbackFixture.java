package ackline.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import ackline.security.TestUsers;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Agents, call-back tasks and calls through the API, for tests that dial on the simulated PBX
 * ({@code DialerIntegrationTests}, {@code QualityIntegrationTests}): an agent of a team of their own, a task reserved
 * for them, taking and dialling it, waiting for the task to reach a state.
 */
public final class CallbackFixture {

	private static final AtomicInteger numbers = new AtomicInteger();

	private final Api api;

	private final JdbcClient jdbc;

	private final TestUsers users;

	public CallbackFixture(Api api, JdbcClient jdbc, TestUsers users) {
		this.api = api;
		this.jdbc = jdbc;
		this.users = users;
	}

	/** Points Ackline's Asterisk adapter at a simulated PBX on these ports, recordings in {@code spool}. */
	public static void registerPbx(DynamicPropertyRegistry registry, int amiPort, int agiPort, Path spool) {
		registry.add("ackline.asterisk.enabled", () -> "true");
		registry.add("ackline.asterisk.host", () -> "127.0.0.1");
		registry.add("ackline.asterisk.port", () -> Integer.toString(amiPort));
		registry.add("ackline.asterisk.agi-bind", () -> "127.0.0.1");
		registry.add("ackline.asterisk.agi-port", () -> Integer.toString(agiPort));
		registry.add("ackline.asterisk.agi-url", () -> "agi://127.0.0.1:" + agiPort + "/notice-ack");
		registry.add("ackline.asterisk.recordings-dir", spool::toString);
		registry.add("ackline.asterisk.reconnect-min", () -> "200ms");
		registry.add("ackline.asterisk.reconnect-max", () -> "1s");
	}

	/** A temporary directory for the PBX's recordings. */
	/** The simulated PBX as the dialer's integration tests use it: clients answer after 300 ms, agents after 100 ms. */
	public static ackline.pbx.SimulatedPbx quickPbx(int amiPort, Path spool) {
		return new ackline.pbx.SimulatedPbx(ackline.pbx.SimulatedPbx.Settings.defaults()
			.withClientAnswerDelay(java.time.Duration.ofMillis(300))
			.withAgentAnswerDelay(java.time.Duration.ofMillis(100))
			.withPromptDuration(java.time.Duration.ofMillis(100))).start(amiPort, spool);
	}

	/** The dialer's timings shortened for tests (recordings, ring time-outs), and no daily cap in the way. */
	public static void registerQuickDialer(DynamicPropertyRegistry registry) {
		registry.add("ackline.callbacks.recordings-interval", () -> "200ms");
		registry.add("ackline.callbacks.agent-ring-timeout", () -> "2s");
		registry.add("ackline.callbacks.client-ring-timeout", () -> "2s");
		registry.add("ackline.callbacks.per-client-daily-cap", () -> "100");
	}

	public static Path spool() {
		try {
			return Files.createTempDirectory("ackline-spool");
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** A new agent (user and offline agent row), in a team of their own ({@code team-<agent>}). */
	public String agent() {
		String name = "ag" + UUID.randomUUID().toString().substring(0, 8);
		users.agent(name);
		jdbc.sql("insert into agent (id, state, mode, team, endpoint, since, updated_at) values (?, 'OFFLINE', 'PREVIEW', ?, ?, now(), now())")
			.params(name, "team-" + name, name).update();
		return name;
	}

	/** A task reserved for (and only visible to the team of) this agent, for a number of its own. */
	public String task(String agent, String type, String phone) {
		return task(agent, type, phone, "C" + UUID.randomUUID().toString().substring(0, 8));
	}

	/** A task of this client reserved for this agent (and in the agent's team). */
	public String task(String agent, String type, String phone, String clientId) {
		Map<String, Object> t = new LinkedHashMap<>();
		t.put("type", type);
		t.put("clientId", clientId);
		t.put("clientName", "王五");
		t.put("phone", phone);
		t.put("dueBy", "2030-01-01T20:00:00+08:00");
		t.put("agentId", agent);
		t.put("team", "team-" + agent);
		Api.Reply r = api.post("/api/v1/callbacks", "system", t);
		assertThat(r.status()).as(r.body()).isEqualTo(201);
		return r.json().get("id").asText();
	}

	/** A fresh mobile number, answered by the simulated PBX unless a script says otherwise. */
	public static String phone() {
		return "1390000" + String.format("%04d", numbers.incrementAndGet());
	}

	/** The agent becomes available, is offered {@code taskId} next and dials it; returns the call's id. */
	public String takeAndDial(String agent, String taskId) {
		assertThat(api.put("/api/v1/agents/me/state", agent, Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
		Api.Reply next = api.post("/api/v1/agents/me/next", agent, "");
		assertThat(next.status()).as(next.body()).isEqualTo(200);
		assertThat(next.json().get("id").asText()).isEqualTo(taskId);
		Api.Reply dial = api.post("/api/v1/callbacks/" + taskId + "/dial", agent, "");
		assertThat(dial.status()).as(dial.body()).isEqualTo(202);
		return dial.json().get("callId").asText();
	}

	/** The task as the upstream system sees it. */
	public JsonNode task(String id) {
		return api.get("/api/v1/callbacks/" + id, "system").json();
	}

	/** Waits (up to 30 s) until the task satisfies {@code until}; fails naming {@code what} with the last task seen. */
	public JsonNode awaitTask(String id, String what, Predicate<JsonNode> until) {
		List<JsonNode> last = new ArrayList<>(List.of(task(id)));
		try {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
				last.set(0, task(id));
				return until.test(last.get(0));
			});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new AssertionError(what + " never happened; task is " + last.get(0).toPrettyString(), ex);
		}
		return last.get(0);
	}

	/** The task's last call. */
	public static JsonNode lastCall(JsonNode task) {
		JsonNode calls = task.get("calls");
		return calls.get(calls.size() - 1);
	}

}
