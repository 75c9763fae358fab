package ackline.evidence;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import ackline.AcklineApplication;
import ackline.audit.AuditEntry;
import ackline.audit.AuditLog;
import ackline.audit.AuditQuery;
import ackline.evidence.export.EvidenceExports;
import ackline.testing.Api;
import ackline.testing.RecordedCalls;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import ackline.testing.s3.S3MockServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With evidence in object storage (S3Mock): a presigned URL for a recording, given only to who may play it and
 * audited, fetches the bytes with a plain HTTP client and no credentials; its TTL is capped at 15 minutes. Export
 * bundles are kept in the exports bucket (not on the building node's disk), streamed from there, and deleted when they
 * expire.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ObjectStorageEvidenceIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	static final String BUCKET = "evidence-" + UUID.randomUUID().toString().substring(0, 8);

	static Path exportDirectory;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		exportDirectory = Files.createTempDirectory("ackline-exports-s3");
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.s3.endpoint", () -> S3MockServer.shared().endpoint());
		registry.add("ackline.s3.access-key", () -> S3MockServer.ACCESS_KEY);
		registry.add("ackline.s3.secret-key", () -> S3MockServer.SECRET_KEY);
		registry.add("ackline.s3.bucket", () -> BUCKET);
		registry.add("ackline.evidence.self-check", () -> "warn");
		registry.add("ackline.evidence.presigned-urls.enabled", () -> "true");
		registry.add("ackline.evidence.presigned-urls.ttl", () -> "PT1H");
		registry.add("ackline.evidence.export.directory", () -> exportDirectory.toString());
		registry.add("ackline.evidence.verification.initial-delay", () -> "1h");
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	EvidenceStore evidence;

	@Autowired
	AuditLog audit;

	@Autowired
	EvidenceExports exports;

	final HttpClient http = HttpClient.newHttpClient();

	final String clientId = "S" + UUID.randomUUID().toString().substring(0, 8);

	Api api;

	byte[] body;

	UUID recording;

	@BeforeAll
	void aRecordedCall() {
		api = new Api(port);
		body = new byte[300_000];
		new Random(11).nextBytes(body);
		recording = RecordedCalls.insert(jdbc, evidence, clientId, body, Instant.now()).recording().id();
	}

	@Test
	void aPresignedUrlFetchesTheRecordingWithoutCredentialsAndIsAudited() throws Exception {
		Instant asked = Instant.now();
		Api.Reply reply = api.get("/api/v1/recordings/" + recording + "/url", "supervisor1");
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		String url = reply.json().get("url").asString();
		Instant expiresAt = Instant.parse(reply.json().get("expiresAt").asString());
		// PT1H configured, 15 minutes at most
		assertThat(expiresAt).isBefore(Instant.now().plus(Duration.ofMinutes(15)).plusSeconds(1))
			.isAfter(asked.plus(Duration.ofMinutes(14)));
		assertThat(url).startsWith(S3MockServer.shared().endpoint()).contains("X-Amz-Expires=900")
			.contains("X-Amz-Signature=");

		HttpResponse<byte[]> fetched = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(fetched.statusCode()).isEqualTo(200);
		assertThat(fetched.body()).isEqualTo(body);

		assertThat(audit.find(new AuditQuery(recording.toString(), "supervisor1", "PRESIGNED_URL", null, null, null)))
			.singleElement()
			.satisfies(e -> assertThat(e.detail()).containsEntry("ttlSeconds", 900)
				.containsEntry("expiresAt", expiresAt.toString()));
	}

	@Test
	void onlyWhoMayPlayARecordingGetsItsUrl() {
		// agent1 made the call but agents do not play recordings (ackline.evidence.agents-play-own=false); agent2 did
		// not make it; the upstream system is stopped by the role rules
		assertThat(api.get("/api/v1/recordings/" + recording + "/url", "agent1").status()).isEqualTo(404);
		assertThat(api.get("/api/v1/recordings/" + recording + "/url", "agent2").status()).isEqualTo(404);
		assertThat(api.get("/api/v1/recordings/" + recording + "/url", "system").status()).isEqualTo(403);
		assertThat(api.get("/api/v1/recordings/" + UUID.randomUUID() + "/url", "auditor1").status()).isEqualTo(404);

		assertThat(audit.find(new AuditQuery(recording.toString(), null, "PRESIGNED_URL_REFUSED", null, null, null)))
			.extracting(AuditEntry::actor)
			.containsExactlyInAnyOrder("agent1", "agent2", "system");
		assertThat(audit.find(new AuditQuery(recording.toString(), "agent1", "PRESIGNED_URL", null, null, null)))
			.isEmpty();
	}

	@Test
	void aBundleIsKeptInTheExportsBucketServedFromThereAndDeletedWhenItExpires() throws Exception {
		String id = api.post("/api/v1/evidence/exports", "auditor1", Map.of("clientId", clientId)).json().get("id")
			.asString();
		JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
				() -> api.get("/api/v1/evidence/exports/" + id, "auditor1").json(),
				e -> e.get("state").asString().equals("DONE") || e.get("state").asString().equals("FAILED"));
		assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("DONE");

		String key = jdbc.sql("select bundle_location from evidence_export where id = ?::uuid").param(id)
			.query(String.class)
			.single();
		assertThat(key).isEqualTo("exports/" + id + ".zip");
		try (var left = Files.list(exportDirectory)) {
			assertThat(left).as("nothing kept on the building node").isEmpty();
		}
		// S3Mock serves unsigned requests: the bundle is in the exports bucket, not in the evidence bucket
		URI inBucket = URI.create(S3MockServer.shared().endpoint() + "/" + BUCKET + "-exports/" + key);
		assertThat(status(inBucket)).isEqualTo(200);

		HttpResponse<byte[]> download = http.send(HttpRequest
			.newBuilder(URI.create("http://localhost:" + port + "/api/v1/evidence/exports/" + id + "/bundle"))
			.header("Authorization", "Basic " + Base64.getEncoder().encodeToString("auditor1:auditor1".getBytes()))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(download.statusCode()).isEqualTo(200);
		assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(done.get("bundleBytes").asLong());
		assertThat(Sha256.hex(download.body())).isEqualTo(done.get("bundleSha256").asString());

		assertThat(exports.expireOlderThan(Duration.ZERO)).isGreaterThanOrEqualTo(1);

		assertThat(api.get("/api/v1/evidence/exports/" + id, "auditor1").json().get("state").asString())
			.isEqualTo("EXPIRED");
		Api.Reply gone = api.get("/api/v1/evidence/exports/" + id + "/bundle", "auditor1");
		assertThat(gone.status()).as(gone.body()).isEqualTo(410);
		assertThat(jdbc.sql("select bundle_location from evidence_export where id = ?::uuid").param(id)
			.query(String.class).optional()).isEmpty();
		assertThat(status(inBucket)).isEqualTo(404);
		assertThat(audit.find(AuditQuery.forObject(id))).extracting(AuditEntry::action)
			.containsExactly("EXPORT_REQUESTED", "EXPORT_DONE", "EXPORT_DOWNLOADED", "EXPORT_EXPIRED");
	}

	private int status(URI uri) throws Exception {
		return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
