package ackline.live;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import ackline.AcklineApplication;
import ackline.testing.Api;
import ackline.testing.LiveClient;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence from the consoles' WebSockets (presence kept in the machine's Redis): an available agent whose console
 * went away is paused by the server after the grace; a console that comes back within it keeps the agent available;
 * an agent working through the API only, with no console ever, is left alone.
 */
@DirtiesContext
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LivePresenceIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.redis.key-prefix", () -> "test:" + UUID.randomUUID() + ":");
		registry.add("ackline.live.presence.pause-after", () -> "3s");
		registry.add("ackline.live.presence.refresh-every", () -> "500ms");
		registry.add("ackline.live.presence.sweep-every", () -> "250ms");
	}

	@LocalServerPort
	int port;

	private JsonNode agent(Api api, String name) {
		return api.get("/api/v1/agents/me", name).json();
	}

	@Test
	void anAvailableAgentWhoseConsoleIsGoneIsPausedAfterTheGraceAndOnlyThen() throws Exception {
		Api api = new Api(port);
		assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
		assertThat(api.put("/api/v1/agents/me/state", "agent2", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);

		LiveClient console = LiveClient.basic(port, "agent1").subscribe("/user/queue/agent");
		Thread.sleep(1_000);
		// a reload: the console goes and comes back within the grace
		console.close();
		Thread.sleep(1_000);
		LiveClient reloaded = LiveClient.basic(port, "agent1").subscribe("/user/queue/agent");
		Thread.sleep(4_000); // longer than the grace, with the console open
		assertThat(agent(api, "agent1").get("state").asString()).isEqualTo("AVAILABLE");

		// the console is closed for good: paused by the server, with the reason the consoles show
		reloaded.close();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode me = agent(api, "agent1");
			assertThat(me.get("state").asString()).isEqualTo("PAUSED");
			assertThat(me.get("reason").asString()).isEqualTo("CONSOLE_CLOSED");
		});

		// agent2 never opened a console (a script working through the API): never paused by presence
		assertThat(agent(api, "agent2").get("state").asString()).isEqualTo("AVAILABLE");
		assertThat(agent(api, "agent2").get("reason").isNull()).isTrue();

		// a paused agent who opens the console again stays paused until they choose to be available
		try (LiveClient again = LiveClient.basic(port, "agent1").subscribe("/user/queue/agent")) {
			assertThat(api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "AVAILABLE")).status()).isEqualTo(200);
			Thread.sleep(4_000);
			assertThat(agent(api, "agent1").get("state").asString()).isEqualTo("AVAILABLE");
		}
		api.put("/api/v1/agents/me/state", "agent1", Map.of("state", "OFFLINE"));
		api.put("/api/v1/agents/me/state", "agent2", Map.of("state", "OFFLINE"));
	}

}
