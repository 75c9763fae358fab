package ackline.notice;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import ackline.AcklineApplication;
import ackline.queue.RedisWorkQueue;
import ackline.queue.WorkQueue;
import ackline.testing.Api;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing accepted is lost and nothing is sent twice: when the enqueue after the commit never happens,
 * when Redis is flushed in the middle of a batch, when a worker dies holding an attempt, and for a
 * 10,000-notice batch. Counts what reached the (WireMock) provider per recipient.
 */
@DirtiesContext
@SpringBootTest(classes = { AcklineApplication.class, OutboxRecoveryIntegrationTests.Faults.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OutboxRecoveryIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.sms.rate-per-second", () -> "0");
		registry.add("ackline.notices.reconcile-interval", () -> "500ms");
		registry.add("ackline.notices.requeue-after", () -> "3s");
		registry.add("ackline.notices.sending-lease", () -> "2s");
		registry.add("ackline.notices.sms-workers", () -> "24");
	}

	/** The work queue, with a switch that makes every enqueue vanish as if the process died right after commit. */
	@TestConfiguration
	static class Faults {

		static volatile boolean dropEnqueues;

		@Bean
		@Primary
		WorkQueue faultyWorkQueue(UnifiedJedis jedis, @org.springframework.beans.factory.annotation.Value("${ackline.redis.key-prefix}") String prefix) {
			WorkQueue real = new RedisWorkQueue(jedis, prefix + "q:", Duration.ofSeconds(60), 2_000_000);
			return new WorkQueue() {
				@Override
				public void enqueue(String queue, Collection<String> items) {
					if (!dropEnqueues) {
						real.enqueue(queue, items);
					}
				}

				@Override
				public List<Delivery> take(String queue, String consumer, int max, Duration wait) {
					return real.take(queue, consumer, max, wait);
				}

				@Override
				public void done(String queue, Collection<Delivery> deliveries) {
					real.done(queue, deliveries);
				}

				@Override
				public boolean lostSinceLastCheck() {
					return real.lostSinceLastCheck();
				}

				@Override
				public long depth(String queue) {
					return real.depth(queue);
				}
			};
		}

	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	UnifiedJedis jedis;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
		twilio.accept();
		Faults.dropEnqueues = false;
	}

	@AfterAll
	static void stop() {
		Faults.dropEnqueues = false;
		twilio.close();
	}

	@Test
	void attemptsCommittedButNeverQueuedAreSentOnceByTheReconciler() {
		String prefix = "139" + (int) (Math.random() * 90 + 10);
		Faults.dropEnqueues = true;
		List<String> phones = phones(prefix, 50);
		accept(phones);
		assertThat(sentTo(prefix)).isEmpty();
		Faults.dropEnqueues = false;
		awaitAllHandedOver(phones);
		assertExactlyOnce(prefix, phones);
	}

	@Test
	void redisFlushedInTheMiddleOfABatchLosesNothingAndSendsNothingTwice() {
		String prefix = "137" + (int) (Math.random() * 90 + 10);
		List<String> phones = phones(prefix, 3000);
		accept(phones);
		await().atMost(Duration.ofSeconds(60)).until(() -> sentTo(prefix).size() >= 200);
		jedis.flushAll();
		int sentAtFlush = sentTo(prefix).size();
		awaitAllHandedOver(phones);
		assertExactlyOnce(prefix, phones);
		assertThat(sentAtFlush).isLessThan(phones.size());
	}

	@Test
	void aTenThousandNoticeBatchIsAcceptedAndEachSentOnce() {
		String prefix = "136" + (int) (Math.random() * 90 + 10);
		List<String> phones = phones(prefix, 10_000);
		accept(phones);
		awaitAllHandedOver(phones);
		assertExactlyOnce(prefix, phones);
	}

	@Test
	void anAttemptWhoseWorkerDiedIsAdoptedIfTheProviderHasItAndSentAgainIfNot() {
		String prefix = "135" + (int) (Math.random() * 90 + 10);
		List<String> phones = phones(prefix, 2);
		Faults.dropEnqueues = true;
		accept(phones);
		// As a worker leaves it when it dies after claiming: SENDING, long ago.
		jdbc.sql("""
				update notice_attempt set status = 'SENDING', status_rank = 1, tries = 1, claimed_by = 'dead-worker',
				       claimed_at = now() - interval '10 minutes'
				where destination = any(?)""").param(phones.stream().map(p -> "+86" + p).toArray(String[]::new)).update();
		String delivered = "+86" + phones.get(0);
		String body = jdbc.sql("select body from notice_attempt where destination = ?").param(delivered).query(String.class).single();
		twilio.server().stubFor(get(urlPathMatching("/2010-04-01/Accounts/.*/Messages.json"))
			.withQueryParam("To", com.github.tomakehurst.wiremock.client.WireMock.equalTo(delivered))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
				.withBody(Api.mapper().writeValueAsString(Map.of("messages", List.of(Map.of("sid", "SMdeadbeef000000000000000000000001",
						"to", delivered, "from", TwilioStub.FROM, "body", body, "status", "delivered", "account_sid",
						TwilioStub.ACCOUNT_SID)), "page", 0, "page_size", 100, "first_page_uri", "/x", "next_page_uri", "",
						"uri", "/x")))));
		twilio.server().stubFor(get(urlPathMatching("/2010-04-01/Accounts/.*/Messages.json")).atPriority(10)
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
				.withBody("{\"messages\": [], \"page\": 0, \"page_size\": 100, \"first_page_uri\": \"/x\", \"next_page_uri\": \"\", \"uri\": \"/x\"}")));
		Faults.dropEnqueues = false;
		awaitAllHandedOver(phones);
		String adopted = jdbc.sql("select provider_id from notice_attempt where destination = ?").param(delivered)
			.query(String.class).single();
		assertThat(adopted).isEqualTo("SMdeadbeef000000000000000000000001");
		Map<String, Long> sent = sentTo(prefix);
		assertThat(sent).doesNotContainKey(delivered);
		assertThat(sent).containsEntry("+86" + phones.get(1), 1L);
	}

	// --- helpers

	static List<String> phones(String prefix, int n) {
		List<String> phones = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			phones.add(prefix + String.format("%06d", i));
		}
		return phones;
	}

	void accept(List<String> phones) {
		for (int from = 0; from < phones.size(); from += 5000) {
			List<Map<String, Object>> notices = new ArrayList<>();
			for (String phone : phones.subList(from, Math.min(phones.size(), from + 5000))) {
				Map<String, Object> n = new HashMap<>(NoticeHubIntegrationTests.marginCall(phone, null));
				n.put("idempotencyKey", "k-" + phone);
				notices.add(n);
			}
			Api.Reply reply = api.post("/api/v1/notices/batch", "system", Map.of("notices", notices));
			assertThat(reply.status()).as(reply.body()).isEqualTo(202);
			JsonNode body = reply.json();
			assertThat(body.get("accepted").asInt()).isEqualTo(notices.size());
		}
	}

	/** Recipients under the prefix and how many messages each got at the provider. */
	Map<String, Long> sentTo(String prefix) {
		return twilio.messages()
			.stream()
			.map(m -> m.get("To"))
			.filter(to -> to != null && to.startsWith("+86" + prefix))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	void awaitAllHandedOver(List<String> phones) {
		String[] destinations = phones.stream().map(p -> "+86" + p).toArray(String[]::new);
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> jdbc.sql("""
				select count(*) from notice_attempt where destination = any(?) and status in ('QUEUED', 'SENT', 'DELIVERED')""")
			.param(destinations).query(Long.class).single() == phones.size());
	}

	void assertExactlyOnce(String prefix, List<String> phones) {
		Map<String, Long> sent = sentTo(prefix);
		assertThat(sent).hasSize(phones.size());
		assertThat(sent.values()).allMatch(count -> count == 1L);
		long distinctSids = jdbc.sql("select count(distinct provider_id) from notice_attempt where destination = any(?)")
			.param(phones.stream().map(p -> "+86" + p).toArray(String[]::new)).query(Long.class).single();
		assertThat(distinctSids).isEqualTo(phones.size());
	}

}
