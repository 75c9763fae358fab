package ackline.evidence;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import ackline.AcklineApplication;
import ackline.audit.AuditEntry;
import ackline.audit.AuditLog;
import ackline.audit.AuditQuery;
import ackline.testing.Api;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
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
 * Export bundles through the API: a client's evidence exported in the background, downloaded, unzipped and verified
 * entry by entry against {@code SHA256SUMS} and the manifest, and with the documented {@code sha256sum -c} command
 * where the machine has it; a changed byte fails that check. Requests naming none or several targets are refused
 * with the field named; every step is audited.
 */
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EvidenceExportIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	static final Path exports = tempDirectory("ackline-exports-test");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.evidence.export.directory", () -> exports.toString());
		registry.add("ackline.evidence.verification.initial-delay", () -> "1h");
	}

	@LocalServerPort
	int port;

	@Autowired
	EvidenceStore store;

	@Autowired
	AuditLog audit;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	ackline.evidence.export.EvidenceExports exportService;

	Api api;

	List<StoredEvidence> clients;

	@BeforeAll
	void setUp() {
		api = new Api(port);
		byte[] wav = new byte[256 * 1024];
		new Random(7).nextBytes(wav);
		UUID notice = UUID.randomUUID();
		clients = store.storeAll(List.of(
				new NewEvidence(EvidenceKind.CALL_RECORDING, "audio/wav", wav,
						new EvidenceLinks("X1", null, UUID.randomUUID(), UUID.randomUUID(), "agent1")),
				new NewEvidence(EvidenceKind.EMAIL_RECEIVED, "message/rfc822",
						"Subject: =?UTF-8?B?5pS25Yiw?=\r\n\r\n收到\r\n".getBytes(StandardCharsets.UTF_8),
						EvidenceLinks.notice("X1", notice)),
				new NewEvidence(EvidenceKind.ACK_CLICK, "application/json",
						"{\"ip\":\"127.0.0.1\"}".getBytes(StandardCharsets.UTF_8), EvidenceLinks.notice("X1", notice))));
		store.store(new NewEvidence(EvidenceKind.SMS_SENT, "application/json", "{}".getBytes(StandardCharsets.UTF_8),
				EvidenceLinks.notice("X2", UUID.randomUUID())));
		audit.append("supervisor1", "RECORDING_PLAYED", "evidence", clients.get(0).id().toString(),
				Map.of("range", "bytes=0-99"));
	}

	@Test
	void aClientsBundleVerifiesWithSha256sumAndAChangedByteFails() throws Exception {
		Api.Reply requested = api.post("/api/v1/evidence/exports", "supervisor1", Map.of("clientId", "X1"));
		assertThat(requested.status()).as(requested.body()).isEqualTo(202);
		assertThat(requested.json().get("state").asText()).isEqualTo("QUEUED");
		String id = requested.json().get("id").asText();

		JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
				() -> api.get("/api/v1/evidence/exports/" + id, "auditor1").json(),
				e -> !e.get("state").asText().equals("QUEUED") && !e.get("state").asText().equals("RUNNING"));
		assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
		assertThat(done.get("total").asInt()).isEqualTo(3);
		assertThat(done.get("done").asInt()).isEqualTo(3);
		assertThat(done.get("requestedBy").asText()).isEqualTo("supervisor1");

		HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest
			.newBuilder(URI.create("http://localhost:" + port + "/api/v1/evidence/exports/" + id + "/bundle"))
			.header("Authorization", "Basic " + Base64.getEncoder().encodeToString("auditor1:auditor1".getBytes()))
			.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(download.statusCode()).isEqualTo(200);
		assertThat(download.headers().firstValue("Content-Type")).hasValue("application/zip");
		assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
			.contains("attachment").contains("evidence-" + id + ".zip");
		byte[] zip = download.body();
		assertThat(sha256(zip)).isEqualTo(done.get("bundleSha256").asText());

		Path bundle = Files.createTempDirectory("bundle");
		Map<String, byte[]> files = unzip(zip, bundle);
		Set<String> objects = clients.stream().map(e -> "objects/" + e.id() + "." + switch (e.contentType()) {
			case "audio/wav" -> "wav";
			case "message/rfc822" -> "eml";
			default -> "json";
		}).collect(Collectors.toSet());
		assertThat(files.keySet()).containsAll(objects)
			.contains("manifest.json", "custody.json", "SHA256SUMS")
			.hasSize(objects.size() + 3);

		// every file but SHA256SUMS itself is listed, and its hash recomputes
		Map<String, String> sums = new String(files.get("SHA256SUMS"), StandardCharsets.US_ASCII).lines()
			.collect(Collectors.toMap(l -> l.substring(66), l -> l.substring(0, 64)));
		assertThat(sums.keySet()).containsExactlyInAnyOrderElementsOf(
				files.keySet().stream().filter(n -> !n.equals("SHA256SUMS")).toList());
		sums.forEach((name, sha) -> assertThat(sha256(files.get(name))).as(name).isEqualTo(sha));

		JsonNode manifest = Api.mapper().readTree(files.get("manifest.json"));
		assertThat(manifest.get("bundle").asText()).isEqualTo(id);
		assertThat(manifest.get("requested").get("clientId").asText()).isEqualTo("X1");
		assertThat(manifest.get("requestedBy").asText()).isEqualTo("supervisor1");
		assertThat(manifest.get("objects")).hasSize(3);
		for (JsonNode o : manifest.get("objects")) {
			StoredEvidence e = store.find(UUID.fromString(o.get("id").asText())).orElseThrow();
			assertThat(o.get("sha256").asText()).isEqualTo(e.sha256()).isEqualTo(sums.get(o.get("file").asText()));
			assertThat(o.get("kind").asText()).isEqualTo(e.kind().name());
			assertThat(o.get("size").asLong()).isEqualTo(e.size());
			assertThat(o.get("retainUntil").asText()).isEqualTo(e.retainUntil().toString());
			assertThat(o.get("legalHold").asBoolean()).isFalse();
			assertThat(o.get("links").get("clientId").asText()).isEqualTo("X1");
		}

		JsonNode custody = Api.mapper().readTree(files.get("custody.json"));
		JsonNode played = custody.get("objects").get(clients.get(0).id().toString()).get(0);
		assertThat(played.get("action").asText()).isEqualTo("RECORDING_PLAYED");
		assertThat(played.get("hash").asText()).hasSize(64);
		assertThat(custody.get("export").get(0).get("action").asText()).isEqualTo("EXPORT_REQUESTED");

		// the documented command, where the machine has it; then one changed byte in a copy fails it
		if (onPath("sha256sum")) {
			assertThat(run(bundle, "sha256sum", "-c", "SHA256SUMS")).startsWith("0:");
			if (onPath("unzip")) {
				// exactly the README's command, on the downloaded file
				Path dir = Files.createTempDirectory("download");
				Files.write(dir.resolve("bundle.zip"), zip);
				assertThat(run(dir, "sh", "-c", "unzip bundle.zip -d b && cd b && sha256sum -c SHA256SUMS"))
					.startsWith("0:").contains("manifest.json: OK");
			}
			Path copy = Files.createTempDirectory("tampered");
			unzip(zip, copy);
			String wav = objects.stream().filter(n -> n.endsWith(".wav")).findFirst().orElseThrow();
			byte[] body = Files.readAllBytes(copy.resolve(wav));
			body[1000] ^= 1;
			Files.write(copy.resolve(wav), body);
			String failed = run(copy, "sha256sum", "-c", "SHA256SUMS");
			assertThat(failed).doesNotStartWith("0:").contains(wav + ": FAILED");
			assertThat(sha256(body)).isNotEqualTo(sums.get(wav));
		}

		assertThat(audit.find(AuditQuery.forObject(id))).extracting(AuditEntry::action)
			.containsExactly("EXPORT_REQUESTED", "EXPORT_DONE", "EXPORT_DOWNLOADED");
		assertThat(audit.find(AuditQuery.forObject(id)).get(1).detail().get("bundleSha256"))
			.isEqualTo(done.get("bundleSha256").asText());
	}

	@Test
	void aRequestNamesExactlyOneOfClientNoticeOrTask() {
		Api.Reply none = api.post("/api/v1/evidence/exports", "auditor1", Map.of());
		assertThat(none.status()).as(none.body()).isEqualTo(400);
		assertThat(none.json().get("field").asText()).isEqualTo("clientId");

		Map<String, Object> two = new LinkedHashMap<>();
		two.put("clientId", "X1");
		two.put("noticeId", UUID.randomUUID().toString());
		Api.Reply both = api.post("/api/v1/evidence/exports", "auditor1", two);
		assertThat(both.status()).as(both.body()).isEqualTo(400);
		assertThat(both.json().get("field").asText()).isEqualTo("noticeId");

		Api.Reply bad = api.post("/api/v1/evidence/exports", "auditor1", Map.of("taskId", "not-a-uuid"));
		assertThat(bad.status()).as(bad.body()).isEqualTo(400);
		assertThat(bad.json().get("field").asText()).isEqualTo("taskId");

		assertThat(api.post("/api/v1/evidence/exports", "agent1", Map.of("clientId", "X1")).status()).isEqualTo(403);
		assertThat(api.get("/api/v1/evidence/exports/" + UUID.randomUUID(), "auditor1").status()).isEqualTo(404);
	}

	@Test
	void anExportLeftUnfinishedByADeadNodeIsBuiltAgain() {
		UUID id = UUID.randomUUID();
		// what a node that died mid-build leaves behind: RUNNING, half done, silent for ten minutes
		jdbc.sql("""
				insert into evidence_export (id, state, client_id, requested_by, created_at, started_at, total, done, heartbeat_at)
				values (?, 'RUNNING', 'X1', 'auditor1', now() - interval '11 minutes', now() - interval '11 minutes', 3, 1,
				        now() - interval '10 minutes')""")
			.param(id).update();
		assertThat(exportService.resumeInterrupted(Duration.ofMinutes(2))).isEqualTo(1);
		JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
				() -> api.get("/api/v1/evidence/exports/" + id, "supervisor1").json(),
				e -> e.get("state").asText().equals("DONE") || e.get("state").asText().equals("FAILED"));
		assertThat(done.get("state").asText()).isEqualTo("DONE");
		assertThat(done.get("total").asInt()).isEqualTo(3);
		assertThat(audit.find(ackline.audit.AuditQuery.forObject(id.toString())))
			.extracting(ackline.audit.AuditEntry::action).contains("EXPORT_RESUMED", "EXPORT_DONE");
		assertThat(exportService.resumeInterrupted(Duration.ofMinutes(2))).as("a finished export stays finished").isZero();
	}

	@Test
	void aBundleOlderThanKeepForIsDeletedAndItsExportAnswers410() throws Exception {
		UUID task = clients.get(0).links().taskId();
		String id = api.post("/api/v1/evidence/exports", "auditor1", Map.of("taskId", task.toString())).json().get("id")
			.asText();
		JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
				() -> api.get("/api/v1/evidence/exports/" + id, "supervisor1").json(),
				e -> e.get("state").asText().equals("DONE") || e.get("state").asText().equals("FAILED"));
		assertThat(done.get("state").asText()).isEqualTo("DONE");
		Path kept = exports.resolve(id + ".zip");
		assertThat(kept).exists();
		assertThat(exportService.expireOlderThan(Duration.ofDays(7))).as("a fresh bundle is kept").isZero();

		assertThat(exportService.expireOlderThan(Duration.ZERO)).isGreaterThanOrEqualTo(1);

		assertThat(kept).doesNotExist();
		JsonNode expired = api.get("/api/v1/evidence/exports/" + id, "supervisor1").json();
		assertThat(expired.get("state").asText()).isEqualTo("EXPIRED");
		assertThat(expired.get("bundleSha256").asText()).isEqualTo(done.get("bundleSha256").asText());
		Api.Reply gone = api.get("/api/v1/evidence/exports/" + id + "/bundle", "auditor1");
		assertThat(gone.status()).as(gone.body()).isEqualTo(410);
		assertThat(gone.json().get("type").asText()).endsWith("export-expired");
		assertThat(gone.json().get("state").asText()).isEqualTo("EXPIRED");
		assertThat(gone.json().get("detail").asText()).contains(id);
		assertThat(audit.find(AuditQuery.forObject(id))).extracting(AuditEntry::action)
			.containsExactly("EXPORT_REQUESTED", "EXPORT_DONE", "EXPORT_EXPIRED");
		assertThat(jdbc.sql("select bundle_location from evidence_export where id = ?::uuid").param(id)
			.query(String.class).optional()).isEmpty();
		assertThat(exportService.expireOlderThan(Duration.ZERO)).as("expired once").isZero();
	}

	@Test
	void anExportOfATaskHoldsOnlyThatTasksEvidence() {
		UUID task = clients.get(0).links().taskId();
		String id = api.post("/api/v1/evidence/exports", "auditor1", Map.of("taskId", task.toString())).json().get("id")
			.asText();
		JsonNode done = await().atMost(Duration.ofSeconds(30)).until(
				() -> api.get("/api/v1/evidence/exports/" + id, "supervisor1").json(),
				e -> e.get("state").asText().equals("DONE") || e.get("state").asText().equals("FAILED"));
		assertThat(done.get("state").asText()).isEqualTo("DONE");
		assertThat(done.get("total").asInt()).isEqualTo(1);
	}

	@Test
	void anExportHoldingATamperedObjectFailsAndOffersNoBundle() {
		StoredEvidence e = store.store(new NewEvidence(EvidenceKind.SMS_RECEIVED, "text/plain",
				"收到".getBytes(StandardCharsets.UTF_8), EvidenceLinks.notice("X3", UUID.randomUUID())));
		jdbc.sql("alter table evidence disable trigger evidence_no_update").update();
		jdbc.sql("update evidence set body = ? where id = ?").params("不".getBytes(StandardCharsets.UTF_8), e.id())
			.update();
		jdbc.sql("alter table evidence enable trigger evidence_no_update").update();

		String id = api.post("/api/v1/evidence/exports", "auditor1", Map.of("clientId", "X3")).json().get("id").asText();
		JsonNode failed = await().atMost(Duration.ofSeconds(30)).until(
				() -> api.get("/api/v1/evidence/exports/" + id, "auditor1").json(),
				x -> x.get("state").asText().equals("DONE") || x.get("state").asText().equals("FAILED"));
		assertThat(failed.get("state").asText()).isEqualTo("FAILED");
		assertThat(failed.get("error").asText()).contains(e.id().toString()).contains("SHA-256");
		Api.Reply bundle = api.get("/api/v1/evidence/exports/" + id + "/bundle", "auditor1");
		assertThat(bundle.status()).as(bundle.body()).isEqualTo(409);
		assertThat(bundle.json().get("state").asText()).isEqualTo("FAILED");
		assertThat(audit.find(AuditQuery.forObject(id))).extracting(AuditEntry::action)
			.containsExactly("EXPORT_REQUESTED", "EXPORT_FAILED");
	}

	private static Map<String, byte[]> unzip(byte[] zip, Path into) throws IOException {
		Map<String, byte[]> files = new LinkedHashMap<>();
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
			for (ZipEntry entry; (entry = in.getNextEntry()) != null;) {
				byte[] body = in.readAllBytes();
				files.put(entry.getName(), body);
				Path file = into.resolve(entry.getName());
				Files.createDirectories(file.getParent());
				Files.write(file, body);
			}
		}
		return files;
	}

	private static Path tempDirectory(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static String sha256(byte[] body) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean onPath(String command) {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
			.anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
	}

	/** Exit code, a colon, and the output. */
	private static String run(Path dir, String... command) throws Exception {
		Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		return p.waitFor() + ":" + out;
	}

}
