package ackline.notice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import ackline.localrun.TwilioSimulator;
import ackline.testing.Api;
import ackline.testing.ChildApp;
import ackline.testing.TestServices;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills the application process with SIGKILL while it is sending a batch, starts it again, and counts
 * what reached the Twilio simulator: every accepted notice exactly once. The killed process leaves
 * attempts claimed mid-send; the restarted one asks the provider (Messages list) before sending them again.
 */
class ProcessKillIntegrationTests {

	@Test
	void killingTheProcessMidBatchLosesNothingAndSendsNothingTwice() throws Exception {
		String database = TestServices.newDatabase();
		try (TwilioSimulator twilio = TwilioSimulator.start(TwilioSimulator.Settings.defaults().withStatusCallbacks(false))) {
			int port = ChildApp.freePort();
			List<String> args = List.of("--server.port=" + port, "--spring.datasource.url=" + database,
					"--spring.datasource.username=" + TestServices.PG_USER, "--ackline.redis.url=" + TestServices.REDIS_URL,
					"--ackline.redis.key-prefix=test:" + UUID.randomUUID() + ":",
					"--ackline.twilio.account-sid=" + twilio.accountSid(), "--ackline.twilio.auth-token=" + twilio.authToken(),
					"--ackline.twilio.from-number=+15005550006", "--ackline.twilio.api-base-url=" + twilio.baseUrl(),
					"--ackline.public-base-url=http://localhost:" + port, "--ackline.demo-users=true", "--ackline.asterisk.enabled=false",
					"--ackline.sms.rate-per-second=150", "--ackline.notices.sending-lease=3s",
					"--ackline.notices.requeue-after=3s", "--ackline.notices.reconcile-interval=500ms");
			String prefix = "138" + (int) (Math.random() * 90 + 10);
			List<String> phones = new ArrayList<>();
			for (int i = 0; i < 1500; i++) {
				phones.add(prefix + String.format("%06d", i));
			}

			Process first = ChildApp.start(args, "first");
			try {
				ChildApp.awaitUp(port);
				Api api = new Api(port);
				List<Map<String, Object>> notices = new ArrayList<>();
				for (String phone : phones) {
					Map<String, Object> n = new HashMap<>(NoticeHubIntegrationTests.marginCall(phone, null));
					n.put("idempotencyKey", "kill-" + phone);
					notices.add(n);
				}
				Api.Reply accepted = api.post("/api/v1/notices/batch", "system", Map.of("notices", notices));
				assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
				await().atMost(Duration.ofSeconds(60)).until(() -> twilio.messages().size() >= 300);
			}
			finally {
				first.destroyForcibly().waitFor();
			}
			int atKill = twilio.messages().size();
			assertThat(atKill).isLessThan(phones.size());
			long inFlight = ChildApp.count(database, "select count(*) from notice_attempt where status = 'SENDING'");

			Process second = ChildApp.start(args, "second");
			try {
				await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> ChildApp.count(database,
						"select count(*) from notice_attempt where status in ('QUEUED', 'SENT', 'DELIVERED')") == phones.size());
			}
			finally {
				second.destroy();
				second.waitFor();
			}
			Map<String, Long> perRecipient = twilio.messages()
				.stream()
				.map(TwilioSimulator.SimulatedMessage::to)
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
			assertThat(perRecipient).hasSize(phones.size());
			assertThat(perRecipient.values()).allMatch(n -> n == 1L);
			assertThat(ChildApp.count(database, "select count(distinct provider_id) from notice_attempt")).isEqualTo(phones.size());
			System.out.printf("killed with %d of %d handed over and %d attempts mid-send; after restart %d messages, none twice%n",
					atKill, phones.size(), inFlight, perRecipient.size());
		}
	}

}
