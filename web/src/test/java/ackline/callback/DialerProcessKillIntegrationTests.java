package ackline.callback;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.pbx.CallScript;
import ackline.pbx.SimulatedPbx;
import ackline.testing.Api;
import ackline.testing.ChildApp;
import ackline.testing.TestServices;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills the application with SIGKILL in the middle of calls and starts it again on the same database: the calls go on
 * at the PBX, the new process follows them by their call id (the channels carry it), ends them, stores their
 * recordings, and nothing is dialled twice.
 */
class DialerProcessKillIntegrationTests {

	@Test
	void aCallInProgressWhenTheAppDiesIsFollowedToItsEndByTheNextProcessAndNeverDialledAgain() throws Exception {
		String database = TestServices.newDatabase();
		Path spool = Files.createTempDirectory("ackline-spool");
		try (SimulatedPbx pbx = new SimulatedPbx(SimulatedPbx.Settings.defaults()
			.withClientAnswerDelay(Duration.ofMillis(300))
			.withAgentAnswerDelay(Duration.ofMillis(100))).start(0, spool)) {
			String talking = "13900220001";
			String ringing = "13900220002";
			// rings until the test answers it by hand, after the restart (no race with a slow restart)
			pbx.script(ringing, CallScript.answerAfter(Duration.ofMinutes(10)));
			List<String> args = args(database, pbx.port(), spool);

			Process first = ChildApp.start(args, "dialer-kill-first");
			String talkingTask;
			String ringingTask;
			try {
				ChildApp.awaitUp(port(args));
				Api api = new Api(port(args));
				talkingTask = create(api, "agent1", talking);
				ringingTask = create(api, "agent2", ringing);
				dial(api, "agent1", talkingTask);
				dial(api, "agent2", ringingTask);
				await().atMost(Duration.ofSeconds(20)).until(() -> "IN_CALL".equals(state(api, talkingTask)));
				assertThat(state(api, ringingTask)).as("the second client is still ringing").isEqualTo("DIALING");
			}
			finally {
				first.destroyForcibly().waitFor();
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> pbx.managerConnections() == 0);

			List<String> again = new ArrayList<>(args);
			int port = ChildApp.freePort();
			again.replaceAll(a -> a.startsWith("--server.port=") ? "--server.port=" + port
					: a.startsWith("--ackline.asterisk.agi-port=") ? "--ackline.asterisk.agi-port=" + ChildApp.freePort() : a);
			Process second = ChildApp.start(again, "dialer-kill-second");
			try {
				ChildApp.awaitUp(port);
				Api api = new Api(port);
				await().atMost(Duration.ofSeconds(60)).until(() -> pbx.managerConnections() == 1);
				// the ringing client answers now: the new process learns of it from the events alone
				assertThat(pbx.answer(ringing)).isTrue();
				await().atMost(Duration.ofSeconds(30)).until(() -> "IN_CALL".equals(state(api, ringingTask)));
				pbx.hangup(talking);
				await().atMost(Duration.ofSeconds(30)).until(() -> "WRAP_UP".equals(state(api, talkingTask)));
				JsonNode ringingCall = api.get("/api/v1/callbacks/" + ringingTask, "system").json().get("calls").get(0);
				assertThat(api.post("/api/v1/calls/" + ringingCall.get("id").asText() + "/hangup", "agent2", "").status())
					.isIn(200, 202);
				await().atMost(Duration.ofSeconds(30)).until(() -> "WRAP_UP".equals(state(api, ringingTask)));
				for (String[] t : List.of(new String[] { "agent1", talkingTask }, new String[] { "agent2", ringingTask })) {
					Api.Reply dispo = api.post("/api/v1/callbacks/" + t[1] + "/disposition", t[0],
							Map.of("disposition", "REACHED_CONFIRMED"));
					assertThat(dispo.status()).as(dispo.body()).isEqualTo(200);
				}
				for (String task : List.of(talkingTask, ringingTask)) {
					await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/callbacks/" + task, "system")
						.json().get("calls").get(0).get("recording").path("state").asText().equals("STORED"));
					JsonNode t = api.get("/api/v1/callbacks/" + task, "system").json();
					assertThat(t.get("state").asText()).isEqualTo("DONE");
					assertThat(t.get("calls").size()).as("one call per task").isEqualTo(1);
					assertThat(t.get("calls").get(0).get("outcome").asText()).isEqualTo("ANSWERED");
					assertThat(t.get("attempts").asInt()).isEqualTo(1);
				}
			}
			finally {
				second.destroy();
				second.waitFor();
			}
			assertThat(pbx.originateCount()).as("nothing dialled twice").isEqualTo(2);
			assertThat(ChildApp.count(database, "select count(*) from call")).isEqualTo(2);
		}
	}

	private static List<String> args(String database, int amiPort, Path spool) {
		int port = ChildApp.freePort();
		return new ArrayList<>(List.of("--server.port=" + port, "--spring.datasource.url=" + database,
				"--spring.datasource.username=" + TestServices.PG_USER, "--ackline.redis.url=" + TestServices.REDIS_URL,
				"--ackline.redis.key-prefix=test:" + UUID.randomUUID() + ":", "--ackline.demo-users=true",
				"--ackline.public-base-url=http://localhost:" + port, "--ackline.callbacks.any-time=true",
				"--ackline.asterisk.host=127.0.0.1", "--ackline.asterisk.port=" + amiPort,
				"--ackline.asterisk.agi-bind=127.0.0.1", "--ackline.asterisk.agi-port=" + ChildApp.freePort(),
				"--ackline.asterisk.recordings-dir=" + spool, "--ackline.asterisk.reconnect-min=200ms",
				"--ackline.callbacks.recordings-interval=300ms", "--ackline.callbacks.reconcile-interval=1s",
				"--ackline.callbacks.client-ring-timeout=300s", "--ackline.escalation.enabled=false"));
	}

	private static int port(List<String> args) {
		return args.stream().filter(a -> a.startsWith("--server.port=")).map(a -> Integer.parseInt(a.substring(14)))
			.findFirst().orElseThrow();
	}

	private static String create(Api api, String agent, String phone) {
		Api.Reply r = api.post("/api/v1/callbacks", "system", Map.of("type", "NEW_ACCOUNT", "clientId",
				"C" + phone, "clientName", "孙八", "phone", phone, "openedOn", "2026-11-20", "agentId", agent));
		assertThat(r.status()).as(r.body()).isEqualTo(201);
		return r.json().get("id").asText();
	}

	private static void dial(Api api, String agent, String task) {
		assertThat(api.put("/api/v1/agents/me/state", agent, Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
		Api.Reply next = api.post("/api/v1/agents/me/next", agent, "");
		assertThat(next.json().get("id").asText()).isEqualTo(task);
		Api.Reply dial = api.post("/api/v1/callbacks/" + task + "/dial", agent, "");
		assertThat(dial.status()).as(dial.body()).isEqualTo(202);
	}

	private static String state(Api api, String task) {
		return api.get("/api/v1/callbacks/" + task, "system").json().get("state").asText();
	}

}
