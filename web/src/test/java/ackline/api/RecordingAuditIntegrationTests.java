package ackline.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ackline.AcklineApplication;
import ackline.audit.AuditEntry;
import ackline.audit.AuditLog;
import ackline.audit.AuditQuery;
import ackline.evidence.EvidenceStore;
import ackline.testing.Api;
import ackline.testing.RecordedCalls;
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
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recordings search, metadata and Range playback with role checks; every access in the hash-chained audit log, which
 * verifies and names the entry a database owner changed behind Ackline's back; legal holds; refused deletes and
 * retention changes. The recording is stored through the evidence store and its call written with SQL.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RecordingAuditIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EvidenceStore evidence;

	@Autowired
	AuditLog auditLog;

	Api api;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	final String clientId = "C" + UUID.randomUUID().toString().substring(0, 8);

	byte[] body;

	UUID recording;

	UUID callId;

	@BeforeAll
	void aRecordedCall() {
		api = new Api(port);
		body = new byte[5000];
		new Random(7).nextBytes(body);
		RecordedCalls.RecordedCall call = RecordedCalls.insert(jdbc, evidence, clientId, body,
				Instant.parse("2026-11-20T02:00:00Z"));
		callId = call.callId();
		recording = call.recording().id();
	}

	@Test
	@Order(0)
	void presignedUrlsAreOffByDefault() {
		Api.Reply url = api.get("/api/v1/recordings/" + recording + "/url", "supervisor1");
		assertThat(url.status()).as(url.body()).isEqualTo(404);
		assertThat(url.json().get("type").asString()).endsWith("presigned-urls-disabled");
		assertThat(url.json().get("detail").asString()).contains("ackline.evidence.presigned-urls.enabled");
		assertThat(auditLog.find(AuditQuery.forObject(recording.toString()))).extracting(AuditEntry::action)
			.contains("PRESIGNED_URL_REFUSED");
	}

	@Test
	@Order(1)
	void aSupervisorFindsTheRecordingByClientAndPlaysItWithSeeking() throws Exception {
		Api.Reply found = api.get("/api/v1/recordings?clientId=" + clientId + "&type=new_account&acknowledged=true"
				+ "&minSeconds=90&maxSeconds=100&disposition=REACHED_CONFIRMED&from=2026-11-19T00:00:00Z", "supervisor1");
		assertThat(found.status()).as(found.body()).isEqualTo(200);
		JsonNode page = found.json();
		assertThat(page.get("total").asLong()).isEqualTo(1);
		assertThat(page.get("page").asInt()).isZero();
		assertThat(page.get("size").asInt()).isEqualTo(20);
		JsonNode item = page.get("content").get(0);
		assertThat(item.get("id").asString()).isEqualTo(recording.toString());
		assertThat(item.get("callId").asString()).isEqualTo(callId.toString());
		assertThat(item.get("agentId").asString()).isEqualTo("agent1");
		assertThat(item.get("type").asString()).isEqualTo("NEW_ACCOUNT");
		assertThat(item.get("durationSeconds").asLong()).isEqualTo(95);
		assertThat(item.get("acknowledged").asBoolean()).isTrue();
		assertThat(item.get("bytes").asLong()).isEqualTo(body.length);
		assertThat(item.get("sha256").asString()).hasSize(64);
		assertThat(item.get("retainUntil").isNull()).isFalse();
		assertThat(item.get("legalHold").asBoolean()).isFalse();
		assertThat(api.get("/api/v1/recordings?clientId=" + clientId + "&acknowledged=false", "supervisor1").json()
			.get("total").asLong()).isZero();
		assertThat(api.get("/api/v1/recordings?clientId=" + clientId + "&minSeconds=96", "supervisor1").json()
			.get("total").asLong()).isZero();
		assertThat(api.get("/api/v1/recordings?size=500", "supervisor1").json().get("field").asString())
			.isEqualTo("size");

		HttpResponse<byte[]> first = raw("GET", "/api/v1/recordings/" + recording + "/audio", "supervisor1",
				"bytes=0-99");
		assertThat(first.statusCode()).isEqualTo(206);
		assertThat(first.body()).isEqualTo(Arrays.copyOfRange(body, 0, 100));
		assertThat(first.headers().firstValue("Content-Range")).contains("bytes 0-99/" + body.length);
		assertThat(first.headers().firstValue("Accept-Ranges")).contains("bytes");
		assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("audio/wav"));

		HttpResponse<byte[]> tail = raw("GET", "/api/v1/recordings/" + recording + "/audio", "supervisor1",
				"bytes=-10");
		assertThat(tail.statusCode()).isEqualTo(206);
		assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(body, body.length - 10, body.length));
		HttpResponse<byte[]> middle = raw("GET", "/api/v1/recordings/" + recording + "/audio", "supervisor1",
				"bytes=4990-");
		assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(body, 4990, body.length));

		HttpResponse<byte[]> whole = raw("GET", "/api/v1/recordings/" + recording + "/audio", "supervisor1", null);
		assertThat(whole.statusCode()).isEqualTo(200);
		assertThat(whole.body()).isEqualTo(body);
		assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");

		HttpResponse<byte[]> beyond = raw("GET", "/api/v1/recordings/" + recording + "/audio", "supervisor1",
				"bytes=5000-5100");
		assertThat(beyond.statusCode()).isEqualTo(416);
		assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + body.length);

		List<AuditEntry> plays = auditLog.find(new AuditQuery(recording.toString(), "supervisor1", "RECORDING_PLAY",
				null, null, null));
		assertThat(plays).hasSize(4);
		assertThat(plays.get(0).detail()).containsEntry("range", "bytes=0-99").containsEntry("status", 206)
			.containsEntry("length", 100);
		assertThat(plays.get(3).detail()).containsEntry("range", "none").containsEntry("status", 200);
		assertThat(auditLog.find(new AuditQuery(recording.toString(), null, "RECORDING_PLAY_REFUSED", null, null, null)))
			.extracting(e -> e.detail().get("status")).containsExactly(416);
		List<AuditEntry> searches = auditLog.find(new AuditQuery(null, "supervisor1", "RECORDING_SEARCH", null, null, null));
		assertThat(searches).hasSizeGreaterThanOrEqualTo(3);
		assertThat(searches.get(0).objectId()).isNull();
		assertThat(searches.get(0).objectType()).isEqualTo("RECORDING");
		@SuppressWarnings("unchecked")
		Map<String, Object> filter = (Map<String, Object>) searches.get(0).detail().get("filter");
		assertThat(filter).containsEntry("clientId", clientId).containsEntry("type", "NEW_ACCOUNT");
	}

	@Test
	@Order(2)
	void agentsSeeOnlyTheRecordingsOfTheirOwnCalls() throws Exception {
		assertThat(raw("GET", "/api/v1/recordings/" + recording + "/audio", "agent2", "bytes=0-99").statusCode())
			.isEqualTo(404);
		assertThat(api.get("/api/v1/recordings/" + recording, "agent2").status()).isEqualTo(404);
		Api.Reply others = api.get("/api/v1/recordings?clientId=" + clientId + "&agentId=agent1", "agent2");
		assertThat(others.json().get("total").asLong()).isZero();

		// agents list their own calls' recordings and see their metadata, but listening is for supervisors and
		// compliance (ackline.evidence.agents-play-own=false by default)
		assertThat(raw("GET", "/api/v1/recordings/" + recording + "/audio", "agent1", "bytes=0-9").statusCode())
			.isEqualTo(404);
		assertThat(api.get("/api/v1/recordings/" + recording, "agent1").status()).isEqualTo(200);
		assertThat(api.get("/api/v1/recordings?clientId=" + clientId, "agent1").json().get("total").asLong())
			.isEqualTo(1);
		// the upstream system never plays recordings: stopped by the role rules, and audited all the same
		assertThat(raw("GET", "/api/v1/recordings/" + recording + "/audio", "system", null).statusCode())
			.isEqualTo(403);

		assertThat(auditLog.find(new AuditQuery(recording.toString(), "agent2", null, null, null, null)))
			.extracting(AuditEntry::action)
			.containsExactly("RECORDING_PLAY_REFUSED", "RECORDING_VIEW_REFUSED");
		assertThat(auditLog.find(new AuditQuery(recording.toString(), "system", null, null, null, null)))
			.singleElement()
			.satisfies(e -> {
				assertThat(e.action()).isEqualTo("RECORDING_PLAY_REFUSED");
				assertThat(e.detail()).containsEntry("reason", "role");
			});
		assertThat(auditLog.find(new AuditQuery(recording.toString(), "agent1", "RECORDING_PLAY_REFUSED", null, null, null)))
			.singleElement()
			.satisfies(e -> assertThat(String.valueOf(e.detail().get("reason"))).contains("agents-play-own"));
	}

	@Test
	@Order(3)
	void anAuditorSeesTheMetadataAndEveryAccessInTheAuditLog() {
		Api.Reply meta = api.get("/api/v1/recordings/" + recording, "auditor1");
		assertThat(meta.status()).as(meta.body()).isEqualTo(200);
		JsonNode m = meta.json();
		assertThat(m.get("sha256").asString()).isEqualTo(evidence.find(recording).orElseThrow().sha256());
		assertThat(Instant.parse(m.get("retainUntil").asString())).isAfter(Instant.now().plus(Duration.ofDays(4 * 365)));
		assertThat(m.get("links").get("callId").asString()).isEqualTo(callId.toString());
		assertThat(m.get("call").get("outcome").asString()).isEqualTo("ANSWERED");
		assertThat(m.get("call").get("talkSeconds").asLong()).isEqualTo(95);

		Api.Reply entries = api.get("/api/v1/audit?objectId=" + recording, "auditor1");
		assertThat(entries.status()).as(entries.body()).isEqualTo(200);
		List<String> actions = new ArrayList<>();
		entries.json().forEach(e -> actions.add(e.get("action").asString()));
		assertThat(actions).contains("RECORDING_PLAY", "RECORDING_PLAY_REFUSED", "RECORDING_VIEW_REFUSED")
			.endsWith("RECORDING_VIEW");
		JsonNode last = entries.json().get(entries.json().size() - 1);
		assertThat(last.get("actor").asString()).isEqualTo("auditor1");
		assertThat(last.get("hash").asString()).hasSize(64);
		assertThat(last.get("prevHash").asString()).hasSize(64);

		// reading the audit log is audited, after the answer: it never lists its own read
		int reads = api.get("/api/v1/audit?actor=auditor1&action=AUDIT_READ", "auditor1").json().size();
		assertThat(api.get("/api/v1/audit?actor=auditor1&action=AUDIT_READ", "auditor1").json().size())
			.isEqualTo(reads + 1);
		assertThat(api.get("/api/v1/audit", "supervisor1").status()).isEqualTo(403);
		assertThat(api.get("/api/v1/audit/verify", "agent1").status()).isEqualTo(403);
		assertThat(api.get("/api/v1/audit?limit=0", "admin").json().get("field").asString()).isEqualTo("limit");

		Api.Reply verified = api.get("/api/v1/audit/verify", "auditor1");
		assertThat(verified.status()).isEqualTo(200);
		assertThat(verified.json().get("ok").asBoolean()).isTrue();
		assertThat(verified.json().get("entries").asLong()).isGreaterThan(10);
	}

	@Test
	@Order(4)
	void anAuditorSetsAndLiftsALegalHoldWithAReason() {
		String path = "/api/v1/evidence/" + recording + "/legal-hold";
		Api.Reply noReason = api.put(path, "auditor1", Map.of("hold", true));
		assertThat(noReason.status()).isEqualTo(400);
		assertThat(noReason.json().get("field").asString()).isEqualTo("reason");
		assertThat(api.put(path, "admin", Map.of("hold", true, "reason", "x")).status()).isEqualTo(403);
		assertThat(api.put(path, "supervisor1", Map.of("hold", true, "reason", "x")).status()).isEqualTo(403);
		assertThat(api.put("/api/v1/evidence/" + UUID.randomUUID() + "/legal-hold", "auditor1",
				Map.of("hold", true, "reason", "x")).status()).isEqualTo(404);

		Api.Reply set = api.put(path, "auditor1", Map.of("hold", true, "reason", "诉讼 2026-17"));
		assertThat(set.status()).as(set.body()).isEqualTo(200);
		assertThat(set.json().get("legalHold").asBoolean()).isTrue();
		assertThat(api.get("/api/v1/recordings/" + recording, "supervisor1").json().get("legalHold").asBoolean())
			.isTrue();
		Api.Reply lifted = api.put(path, "auditor1", Map.of("hold", false, "reason", "case closed"));
		assertThat(lifted.json().get("legalHold").asBoolean()).isFalse();

		assertThat(auditLog.find(new AuditQuery(recording.toString(), "auditor1", null, null, null, null)))
			.filteredOn(e -> e.action().startsWith("LEGAL_HOLD"))
			.extracting(AuditEntry::action, e -> e.detail().get("reason"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple("LEGAL_HOLD_SET", "诉讼 2026-17"),
					org.assertj.core.groups.Tuple.tuple("LEGAL_HOLD_LIFTED", "case closed"));
		assertThat(auditLog.find(new AuditQuery(recording.toString(), "admin", null, null, null, null)))
			.extracting(AuditEntry::action).containsExactly("EVIDENCE_ACCESS_REFUSED");
	}

	@Test
	@Order(5)
	void deletingEvidenceOrShorteningItsRetentionIsRefusedForEverybodyAndAudited() throws Exception {
		HttpResponse<byte[]> delete = raw("DELETE", "/api/v1/evidence/" + recording, "admin", null);
		assertThat(delete.statusCode()).isEqualTo(409);
		JsonNode problem = Api.mapper().readTree(delete.body());
		assertThat(problem.get("code").asString()).isEqualTo("evidence.immutable");
		assertThat(raw("DELETE", "/api/v1/evidence/" + recording, "auditor1", null).statusCode()).isEqualTo(409);

		Instant retainUntil = evidence.find(recording).orElseThrow().retainUntil();
		Api.Reply shorten = api.put("/api/v1/evidence/" + recording + "/retention", "admin",
				Map.of("retainUntil", "2027-01-01"));
		assertThat(shorten.status()).isEqualTo(409);
		assertThat(shorten.json().get("code").asString()).isEqualTo("retention.shorten-refused");
		Api.Reply extend = api.put("/api/v1/evidence/" + recording + "/retention", "auditor1",
				Map.of("retainUntil", retainUntil.plus(Duration.ofDays(365)).toString()));
		assertThat(extend.status()).isEqualTo(409);
		assertThat(extend.json().get("code").asString()).isEqualTo("retention.extend-unsupported");
		assertThat(api.put("/api/v1/evidence/" + recording + "/retention", "admin", Map.of("retainUntil", "soon"))
			.json().get("field").asString()).isEqualTo("retainUntil");

		assertThat(evidence.find(recording).orElseThrow().retainUntil()).isEqualTo(retainUntil);
		assertThat(evidence.read(recording)).isEqualTo(body);
		assertThat(auditLog.find(new AuditQuery(recording.toString(), "admin", null, null, null, null)))
			.extracting(AuditEntry::action)
			.contains("EVIDENCE_DELETE_REFUSED", "RETENTION_SHORTEN_REFUSED");
		assertThat(auditLog.find(new AuditQuery(recording.toString(), "auditor1", "RETENTION_EXTEND_REFUSED", null,
				null, null))).hasSize(1);
	}

	@Test
	@Order(6)
	void appendsFromManyThreadsFormOneChain() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				done.add(pool.submit(() -> {
					for (int i = 0; i < 25; i++) {
						auditLog.append("load" + thread, "TEST_APPEND", "TEST", "t" + thread, Map.of("i", i, "x", 1.5));
					}
				}));
			}
			for (Future<?> f : done) {
				f.get();
			}
		}
		finally {
			pool.shutdown();
		}
		List<AuditEntry> all = auditLog.find(new AuditQuery(null, null, null, null, null, AuditQuery.MAX_LIMIT));
		Set<String> linked = new HashSet<>();
		for (int i = 1; i < all.size(); i++) {
			assertThat(all.get(i).prevHash()).isEqualTo(all.get(i - 1).hash());
			assertThat(linked.add(all.get(i).prevHash())).isTrue();
		}
		assertThat(all.get(0).prevHash()).isEqualTo("0".repeat(64));
		AuditLog.Verification v = auditLog.verify();
		assertThat(v.ok()).as(v.reason()).isTrue();
		assertThat(v.entries()).isEqualTo(all.size());
	}

	@Test
	@Order(7)
	void verifyNamesTheEntryADatabaseOwnerChanged() {
		AuditEntry play = auditLog.find(new AuditQuery(recording.toString(), "supervisor1", "RECORDING_PLAY", null,
				null, null)).get(0);
		// what only the database owner can do: switch the trigger off, change a detail, switch it on again
		jdbc.sql("alter table audit_entry disable trigger audit_entry_no_update").update();
		jdbc.sql("update audit_entry set detail = jsonb_set(detail, '{range}', '\"bytes=0-9\"') where seq = ?")
			.param(play.seq())
			.update();
		jdbc.sql("alter table audit_entry enable trigger audit_entry_no_update").update();

		Api.Reply verified = api.get("/api/v1/audit/verify", "auditor1");
		assertThat(verified.status()).isEqualTo(200);
		assertThat(verified.json().get("ok").asBoolean()).isFalse();
		assertThat(verified.json().get("firstBrokenSeq").asLong()).isEqualTo(play.seq());
		assertThat(verified.json().get("reason").asString()).contains("does not match its hash");
	}

	@Test
	@Order(8)
	void theApplicationCannotChangeOrDeleteAuditEntries() {
		assertThat(org.assertj.core.api.Assertions.catchThrowable(
				() -> jdbc.sql("delete from audit_entry where seq = (select min(seq) from audit_entry)").update()))
			.hasMessageContaining("append-only");
		assertThat(org.assertj.core.api.Assertions.catchThrowable(
				() -> jdbc.sql("update audit_entry set actor = 'nobody'").update()))
			.hasMessageContaining("append-only");
	}

	private HttpResponse<byte[]> raw(String method, String path, String user, String range)
			throws IOException, InterruptedException {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (range != null) {
			b.header("Range", range);
		}
		return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

}
