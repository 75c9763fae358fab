package ackline.notice;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import ackline.localrun.TwilioSimulator;
import ackline.testing.Api;
import ackline.testing.ChildApp;
import ackline.testing.TestServices;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application processes on one PostgreSQL and one Redis, as in a deployment behind a load balancer:
 * both send from the shared queue, each notice goes out once, and the per-number rate limit holds for the
 * pair, not for each node.
 */
class TwoNodesIntegrationTests {

	static final int RATE = 40;

	@Test
	void twoNodesShareTheQueueAndTheRateLimitAndSendEachNoticeOnce() throws Exception {
		String database = TestServices.newDatabase();
		String prefix = "test:" + UUID.randomUUID() + ":";
		try (TwilioSimulator twilio = TwilioSimulator.start(TwilioSimulator.Settings.defaults().withStatusCallbacks(false))) {
			int portA = ChildApp.freePort();
			int portB = ChildApp.freePort();
			Process a = ChildApp.start(args(portA, database, prefix, twilio), "node-a");
			Process b = ChildApp.start(args(portB, database, prefix, twilio), "node-b");
			try {
				ChildApp.awaitUp(portA);
				ChildApp.awaitUp(portB);
				List<Map<String, Object>> notices = new ArrayList<>();
				String phonePrefix = "137" + (int) (Math.random() * 90 + 10);
				for (int i = 0; i < 400; i++) {
					Map<String, Object> n = new HashMap<>(NoticeHubIntegrationTests.marginCall(phonePrefix + String.format("%06d", i), null));
					n.put("idempotencyKey", "two-" + i);
					notices.add(n);
				}
				// Half the notices to each node, as a load balancer would spread them.
				Api.Reply first = new Api(portA).post("/api/v1/notices/batch", "system", Map.of("notices", notices.subList(0, 200)));
				Api.Reply second = new Api(portB).post("/api/v1/notices/batch", "system", Map.of("notices", notices.subList(200, 400)));
				assertThat(first.status()).isEqualTo(202);
				assertThat(second.status()).isEqualTo(202);
				await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> ChildApp
					.count(database, "select count(*) from notice_attempt where status in ('QUEUED', 'SENT', 'DELIVERED')") == 400);
			}
			finally {
				a.destroy();
				b.destroy();
				a.waitFor();
				b.waitFor();
			}
			List<TwilioSimulator.SimulatedMessage> sent = twilio.messages();
			Map<String, Long> perRecipient = sent.stream()
				.collect(Collectors.groupingBy(TwilioSimulator.SimulatedMessage::to, Collectors.counting()));
			assertThat(perRecipient).hasSize(400);
			assertThat(perRecipient.values()).allMatch(n -> n == 1L);
			assertThat(ChildApp.count(database,
					"select count(distinct split_part(claimed_by, '-', 2)) from notice_attempt")).isEqualTo(2);
			// The bucket holds RATE and refills RATE a second, shared: tokens taken within any second are at most twice
			// RATE, however the two nodes divide the work. The simulator stamps a message when it arrives, up to a
			// moment after its token was taken (a loaded machine spreads that by a fraction of a second), so a second
			// at the simulator may see a few more: RATE / 4 of slack (a limit per node would let through twice as many).
			Map<Long, Long> perSecond = sent.stream()
				.collect(Collectors.groupingBy(m -> m.dateCreated().getEpochSecond(), Collectors.counting()));
			assertThat(perSecond.values()).allMatch(n -> n <= 2L * RATE + RATE / 4);
			assertThat(sent.stream().map(TwilioSimulator.SimulatedMessage::dateCreated).max(Instant::compareTo).orElseThrow())
				.isAfter(sent.stream().map(TwilioSimulator.SimulatedMessage::dateCreated).min(Instant::compareTo).orElseThrow()
					.plusSeconds(400 / RATE - 2));
		}
	}

	static List<String> args(int port, String database, String prefix, TwilioSimulator twilio) {
		return List.of("--server.port=" + port, "--spring.datasource.url=" + database,
				"--spring.datasource.username=" + TestServices.PG_USER, "--ackline.redis.url=" + TestServices.REDIS_URL,
				"--ackline.redis.key-prefix=" + prefix, "--ackline.twilio.account-sid=" + twilio.accountSid(),
				"--ackline.twilio.auth-token=" + twilio.authToken(), "--ackline.twilio.from-number=+15005550006",
				"--ackline.twilio.api-base-url=" + twilio.baseUrl(), "--ackline.public-base-url=http://localhost:" + port,
				"--ackline.demo-users=true", "--ackline.sms.rate-per-second=" + RATE,
				"--ackline.asterisk.enabled=false");
	}

}
