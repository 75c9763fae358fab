package ackline.live;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.AcklineApplication;
import ackline.testing.Api;
import ackline.testing.ChildApp;
import ackline.testing.LiveClient;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two app nodes on one PostgreSQL and one Redis, as behind a load balancer: a supervisor's console on this node sees
 * what is done on the other one (through Redis pub/sub), in one numbering, and an agent's own stream reaches the agent
 * on whichever node it is connected to.
 */
@DirtiesContext
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TwoNodeLiveIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	static final String DATABASE = TestServices.newDatabase();

	static final String PREFIX = "test:" + UUID.randomUUID() + ":";

	static final Duration WAIT = Duration.ofSeconds(30);

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("spring.datasource.url", () -> DATABASE);
		registry.add("ackline.redis.key-prefix", () -> PREFIX);
	}

	@LocalServerPort
	int port;

	@Test
	void aConsoleOnOneNodeSeesChangesMadeOnTheOther() throws Exception {
		// consoles already on node A when node B starts: B may succeed a node that died between a commit and its
		// message, so its start asks every console to re-sync
		LiveClient watcherOnA = LiveClient.basic(port, "supervisor1").subscribe("/topic/agents");
		LiveClient agentWatcherOnA = LiveClient.basic(port, "agent2").subscribe("/user/queue/agent");
		Thread.sleep(500);
		int other = ChildApp.freePort();
		Process nodeB = ChildApp.start(List.of("--server.port=" + other, "--spring.datasource.url=" + DATABASE,
				"--spring.datasource.username=" + TestServices.PG_USER, "--ackline.redis.url=" + TestServices.REDIS_URL,
				"--ackline.redis.key-prefix=" + PREFIX, "--ackline.twilio.account-sid=" + TwilioStub.ACCOUNT_SID,
				"--ackline.twilio.auth-token=" + TwilioStub.AUTH_TOKEN, "--ackline.twilio.from-number=" + TwilioStub.FROM,
				"--ackline.twilio.api-base-url=" + twilio.baseUrl(), "--ackline.demo-users=true",
				"--ackline.callbacks.any-time=true", "--ackline.asterisk.enabled=false"), "live-node-b");
		try {
			ChildApp.awaitUp(other);
			assertThat(watcherOnA.await(m -> m.type().equals("RESYNC"), WAIT).body().get("stream").asString()).isEqualTo("agents");
			assertThat(agentWatcherOnA.await(m -> m.type().equals("RESYNC"), WAIT).body().get("stream").asString()).isEqualTo("me");
			watcherOnA.close();
			agentWatcherOnA.close();
			Api nodeA = new Api(port);
			Api onB = new Api(other);
			try (LiveClient supervisorOnA = LiveClient.basic(port, "supervisor1");
					LiveClient agentOnA = LiveClient.basic(port, "agent1");
					LiveClient supervisorOnB = LiveClient.basic(other, "supervisor1")) {
				supervisorOnA.subscribe("/topic/agents").subscribe("/topic/tasks");
				supervisorOnB.subscribe("/topic/agents");
				agentOnA.subscribe("/user/queue/agent").subscribe("/user/queue/tasks");
				Thread.sleep(500);

				// the agent's change is made on node B; consoles on A (and on B) hear it, with the same number
				assertThat(onB.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
				LiveClient.Received onA = supervisorOnA.await(m -> m.type().equals("AGENT_STATE")
						&& m.data().get("state").asString().equals("AVAILABLE"), WAIT);
				LiveClient.Received sameOnB = supervisorOnB.await(m -> m.type().equals("AGENT_STATE")
						&& m.data().get("state").asString().equals("AVAILABLE"), WAIT);
				assertThat(sameOnB.seq()).isEqualTo(onA.seq());
				assertThat(agentOnA.await(m -> m.type().equals("AGENT_STATE"), WAIT).data().get("agentId").asString())
					.isEqualTo("agent1");

				// a task created on B for agent1 reaches agent1's own stream on A
				Map<String, Object> task = new LinkedHashMap<>();
				task.put("type", "ROUTINE_MONTHLY");
				task.put("clientId", "C" + UUID.randomUUID().toString().substring(0, 8));
				task.put("clientName", "跨节点客户");
				task.put("phone", "13900139002");
				task.put("dueBy", "2030-01-01T20:00:00+08:00");
				task.put("agentId", "agent1");
				Api.Reply created = onB.post("/api/v1/callbacks", "system", task);
				assertThat(created.status()).as(created.body()).isEqualTo(201);
				String id = created.json().get("id").asString();
				assertThat(agentOnA.await(m -> m.destination().equals("/user/queue/tasks") && m.body().get("id").asString().equals(id),
						WAIT).data().get("state").asString()).isEqualTo("QUEUED");
				assertThat(supervisorOnA.await(m -> m.type().equals("TASK_STATE") && m.body().get("id").asString().equals(id), WAIT))
					.isNotNull();

				// both nodes answer the same snapshot numbering
				long seqA = nodeA.get("/api/v1/live/snapshot?streams=agents", "supervisor1").json().get("streams").get("agents")
					.get("seq").asLong();
				long seqB = onB.get("/api/v1/live/snapshot?streams=agents", "supervisor1").json().get("streams").get("agents")
					.get("seq").asLong();
				assertThat(seqA).isEqualTo(seqB).isGreaterThanOrEqualTo(onA.seq());
				onB.put("/api/v1/agents/me/state", "agent1", Map.of("state", "OFFLINE"));
			}
		}
		finally {
			nodeB.destroy();
			nodeB.waitFor();
		}
	}

}
