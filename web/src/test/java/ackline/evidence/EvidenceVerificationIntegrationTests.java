package ackline.evidence;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ackline.AcklineApplication;
import ackline.evidence.verify.EvidenceIntegrityFailed;
import ackline.testing.Api;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integrity verification through the API: a run over good evidence is ok; a body changed behind the application's
 * back (the immutability trigger disabled, as a DBA could) is reported as a mismatch, published as an event, and
 * turns {@code /actuator/health/evidence} DOWN; calls without their recording are counted.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(classes = { AcklineApplication.class, EvidenceVerificationIntegrationTests.Events.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EvidenceVerificationIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.evidence.verification.initial-delay", () -> "1h");
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EvidenceStore store;

	@Autowired
	Events events;

	Api api;

	List<StoredEvidence> stored;

	@BeforeAll
	void setUp() {
		api = new Api(port);
		stored = store.storeAll(List.of(
				new NewEvidence(EvidenceKind.SMS_RECEIVED, "application/x-www-form-urlencoded",
						"Body=%E6%94%B6%E5%88%B0&From=%2B8613800138000".getBytes(StandardCharsets.UTF_8),
						EvidenceLinks.notice("V1", UUID.randomUUID())),
				new NewEvidence(EvidenceKind.CALL_RECORDING, "audio/wav", new byte[4096],
						new EvidenceLinks("V1", null, UUID.randomUUID(), UUID.randomUUID(), "agent1")),
				new NewEvidence(EvidenceKind.ACK_CLICK, "application/json",
						"{\"ip\":\"127.0.0.1\"}".getBytes(StandardCharsets.UTF_8), EvidenceLinks.notice("V2", null))));
	}

	@Test
	@Order(1)
	void aRunOverGoodEvidenceIsOk() {
		JsonNode run = runNow("auditor1");
		assertThat(run.get("checked").asInt()).isEqualTo(3);
		assertThat(run.get("ok").asInt()).isEqualTo(3);
		assertThat(run.get("mismatches").asInt()).isZero();
		assertThat(run.get("missing").asInt()).isZero();
		assertThat(run.get("startedBy").asText()).isEqualTo("auditor1");
		assertThat(run.get("details").get("failures")).isEmpty();
		assertThat(run.get("details").get("callsMissingRecording").asLong()).isZero();
		assertThat(events.failed).isEmpty();

		Api.Reply health = api.get("/actuator/health/evidence", "admin");
		assertThat(health.status()).as(health.body()).isEqualTo(200);
		assertThat(health.json().get("status").asText()).isEqualTo("UP");
		assertThat(health.json().get("details").get("checked").asInt()).isEqualTo(3);
	}

	@Test
	@Order(2)
	void aTamperedBodyIsReportedAndHealthGoesDown() {
		UUID tampered = stored.get(1).id();
		// what a DBA with the table's ownership could do: the application itself can neither update nor delete
		jdbc.sql("alter table evidence disable trigger evidence_no_update").update();
		jdbc.sql("update evidence set body = ? where id = ?").params(new byte[4096 - 1], tampered).update();
		jdbc.sql("alter table evidence enable trigger evidence_no_update").update();
		insertCallWithoutRecording();

		JsonNode run = runNow("admin");
		assertThat(run.get("checked").asInt()).isEqualTo(3);
		assertThat(run.get("ok").asInt()).isEqualTo(2);
		assertThat(run.get("mismatches").asInt()).isEqualTo(1);
		JsonNode failure = run.get("details").get("failures").get(0);
		assertThat(failure.get("id").asText()).isEqualTo(tampered.toString());
		assertThat(failure.get("reason").asText()).isEqualTo("MISMATCH");
		assertThat(failure.get("kind").asText()).isEqualTo("CALL_RECORDING");
		assertThat(run.get("details").get("callsMissingRecording").asLong()).isEqualTo(1);
		assertThat(events.failed).extracting(EvidenceIntegrityFailed::id).containsExactly(tampered);

		Api.Reply health = api.get("/actuator/health/evidence", "admin");
		assertThat(health.status()).as(health.body()).isEqualTo(503);
		assertThat(health.json().get("status").asText()).isEqualTo("DOWN");
		assertThat(health.json().get("details").get("failures").toString()).contains(tampered.toString());
		assertThat(health.json().get("details").get("warning").asText()).contains("1 call(s)");
		assertThat(api.get("/actuator/health", null).json().get("status").asText()).isEqualTo("DOWN");
	}

	@Test
	@Order(3)
	void runsAreListedNewestFirst() {
		Api.Reply runs = api.get("/api/v1/evidence/verification?limit=1", "supervisor1");
		assertThat(runs.status()).as(runs.body()).isEqualTo(200);
		assertThat(runs.json()).hasSize(1);
		assertThat(runs.json().get(0).get("startedBy").asText()).isEqualTo("admin");
		assertThat(api.get("/api/v1/evidence/verification", "auditor1").json()).hasSize(2);

		assertThat(api.post("/api/v1/evidence/verification", "supervisor1", Map.of()).status()).isEqualTo(403);
		assertThat(api.get("/api/v1/evidence/verification", "agent1").status()).isEqualTo(403);

		Api.Reply bad = api.get("/api/v1/evidence/verification?limit=0", "auditor1");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("field").asText()).isEqualTo("limit");
	}

	private JsonNode runNow(String user) {
		Api.Reply started = api.post("/api/v1/evidence/verification", user, Map.of());
		assertThat(started.status()).as(started.body()).isEqualTo(202);
		String id = started.json().get("id").asText();
		return await().atMost(Duration.ofSeconds(30)).until(() -> {
			for (JsonNode run : api.get("/api/v1/evidence/verification?limit=5", user).json()) {
				if (run.get("id").asText().equals(id) && !run.get("finishedAt").isNull()) {
					return run;
				}
			}
			return null;
		}, run -> run != null);
	}

	private void insertCallWithoutRecording() {
		Timestamp now = Timestamp.from(Instant.now());
		jdbc.sql("""
				insert into call (id, kind, phone, state, record_required, recording_file, recording_state, created_at,
				                  ended_at, updated_at)
				values (?, 'IVR', '+8613800138000', 'ENDED', true, 'lost.wav', 'MISSING', ?, ?, ?)""")
			.params(UUID.randomUUID(), now, now, now)
			.update();
	}

	/** Collects what verification publishes. */
	@TestConfiguration
	static class Events {

		final List<EvidenceIntegrityFailed> failed = new CopyOnWriteArrayList<>();

		@EventListener
		void on(EvidenceIntegrityFailed event) {
			failed.add(event);
		}

	}

}
