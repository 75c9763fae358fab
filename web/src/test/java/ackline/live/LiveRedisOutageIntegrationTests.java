package ackline.live;

import java.time.Duration;
import java.util.Map;

import ackline.AcklineApplication;
import ackline.testing.Api;
import ackline.testing.LiveClient;
import ackline.testing.TestRedis;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis goes away and comes back empty (a restart without persistence) under a connected console: the change made
 * meanwhile is committed in PostgreSQL but could not be fanned out; once Redis is back the console is told to re-sync
 * and its snapshot shows the truth; the numbering restarts, which the console also sees as a reset. A Redis of the
 * test's own (redis-server on a free port), so stopping it disturbs nobody else.
 */
@DirtiesContext
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LiveRedisOutageIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	static final int REDIS_PORT = TestRedis.freePort();

	static RedisServer redis = start();

	static RedisServer start() {
		try {
			RedisServer server = RedisServer.newRedisServer().port(REDIS_PORT).bind("127.0.0.1").setting("save \"\"")
				.setting("appendonly no").build();
			server.start();
			return server;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.redis.url", () -> "redis://127.0.0.1:" + REDIS_PORT);
		registry.add("ackline.redis.timeout", () -> "1s");
		registry.add("ackline.live.refresh-every", () -> "200ms");
	}

	@AfterAll
	static void stopRedis() throws java.io.IOException {
		redis.stop();
	}

	@LocalServerPort
	int port;

	@Test
	void aChangeMadeWhileRedisIsDownReachesTheConsoleThroughAResyncOnceRedisIsBack() throws Exception {
		Api api = new Api(port);
		try (LiveClient supervisor = LiveClient.basic(port, "supervisor1")) {
			supervisor.subscribe("/topic/agents");
			Thread.sleep(500);
			long before = 0;
			for (int i = 0; i < 5; i++) { // the numbering climbs, so that its restart shows
				api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "PAUSED", "reason", "BREAK"));
				assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
				before = supervisor.await(m -> m.type().equals("AGENT_STATE") && m.data().get("state").asString().equals("AVAILABLE"),
						Duration.ofSeconds(20)).seq();
			}
			assertThat(before).isGreaterThanOrEqualTo(10);
			supervisor.drain();

			redis.stop();
			// PostgreSQL is the truth: the change commits with Redis down; its message cannot be fanned out
			assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "PAUSED", "reason", "MEETING")).status())
				.isEqualTo(200);
			Thread.sleep(1_500);
			assertThat(supervisor.drain()).noneMatch(m -> m.type().equals("AGENT_STATE"));

			redis = start(); // back, and empty
			supervisor.await(m -> m.type().equals("RESYNC") && m.body().get("stream").asString().equals("agents"),
					Duration.ofSeconds(30));
			JsonNode agents = api.get("/api/v1/live/snapshot?streams=agents", "supervisor1").json().get("streams").get("agents");
			assertThat(agents.get("items").valueStream().filter(a -> a.get("agentId").asString().equals("agent1")).findFirst()
				.orElseThrow().get("state").asString()).isEqualTo("PAUSED");

			// the numbering restarted with Redis: the next message is numbered far below the last one seen (a reset)
			assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
			long after = supervisor.await(m -> m.type().equals("AGENT_STATE") && m.data().get("state").asString().equals("AVAILABLE"),
					Duration.ofSeconds(20)).seq();
			assertThat(after).isLessThan(before);
			api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "OFFLINE"));
		}
	}

}
