package ackline.evidence.s3;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.NewEvidence;
import ackline.evidence.ObjectLockState;
import ackline.evidence.StoredEvidence;
import ackline.evidence.verify.EvidenceIntegrityFailed;
import ackline.evidence.verify.VerificationRun;
import ackline.evidence.verify.Verifications;
import ackline.testing.s3.CephRgw;
import ackline.testing.s3.S3MockServer;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.messages.Retention;
import io.minio.messages.RetentionMode;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verification reads each object's Object Lock state back from the store (HEAD) and compares it with the catalogue:
 * against Ceph RGW, which enforces Object Lock and sends retain-until dates with nine fractional digits, every way the
 * two can disagree is a failure with its reason and an {@link EvidenceIntegrityFailed}; against S3Mock, whose
 * self-check finds it not enforcing, an object without retention is "not verifiable" rather than failed.
 */
class RetentionVerificationTests {

	@Test
	void s3DatesAreReadWithAnyNumberOfFractionalDigits() {
		Instant second = Instant.parse("2031-11-21T02:15:30Z");
		assertThat(S3HeadClient.parseDate("2031-11-21T02:15:30Z")).isEqualTo(second);
		assertThat(S3HeadClient.parseDate("2031-11-21T02:15:30.123Z")).isEqualTo(second.plusMillis(123));
		assertThat(S3HeadClient.parseDate("2031-11-21T02:15:30.123456Z")).isEqualTo(second.plusNanos(123_456_000));
		assertThat(S3HeadClient.parseDate("2031-11-21T02:15:30.123456789Z")).isEqualTo(second.plusNanos(123_456_789));
		assertThat(S3HeadClient.parseDate("2031-11-21T10:15:30.5+08:00")).isEqualTo(second.plusMillis(500));
		assertThat(S3HeadClient.parseDate("Fri, 21 Nov 2031 02:15:30 GMT")).isEqualTo(second);
		assertThat(S3HeadClient.objectLock(Headers.of(S3HeadClient.MODE, "COMPLIANCE", S3HeadClient.RETAIN_UNTIL,
				"2031-11-21T02:15:30.123456789Z", S3HeadClient.LEGAL_HOLD, "ON")))
			.isEqualTo(new ObjectLockState("COMPLIANCE", second.plusNanos(123_456_789), true));
		assertThat(S3HeadClient.objectLock(Headers.of()).noRetention()).isTrue();
	}

	@Test
	void onCephEveryDisagreementBetweenCatalogueAndStoreFailsWithItsReason() throws Exception {
		CephRgw rgw = CephRgw.shared();
		JdbcClient jdbc = JdbcClient.create(EvidenceDatabase.create());
		S3Bucket bucket = new S3Bucket(S3Settings.of(rgw.endpoint(), CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY,
				"verify-" + UUID.randomUUID()));
		bucket.createIfMissing();
		S3EvidenceStore store = new S3EvidenceStore(bucket, jdbc, Clock.systemUTC(), EvidenceRetention.defaults());
		MinioClient admin = MinioClient.builder()
			.endpoint(rgw.endpoint())
			.credentials(CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY)
			.build();

		StoredEvidence intact = store.store(evidence("intact"));
		StoredEvidence held = store.store(evidence("held"));
		store.setLegalHold(held.id(), true, "complaint 2026-201", "auditor1");
		// what the store reads back from RGW itself: nine fractional digits parsed, the hold seen
		ObjectLockState heldAtStore = store.objectLockAtStore(held.id()).orElseThrow();
		assertThat(heldAtStore.mode()).isEqualTo("COMPLIANCE");
		assertThat(heldAtStore.retainUntil()).isAfterOrEqualTo(held.retainUntil().truncatedTo(ChronoUnit.SECONDS));
		assertThat(heldAtStore.legalHold()).isTrue();

		// the catalogue promises a year more than the object has
		StoredEvidence longer = store.store(evidence("longer"));
		jdbc.sql("alter table evidence disable trigger evidence_no_update").update();
		jdbc.sql("update evidence set retain_until = retain_until + interval '1 year' where id = ?")
			.param(longer.id())
			.update();
		jdbc.sql("alter table evidence enable trigger evidence_no_update").update();
		// the row's object swapped for the same bytes without retention, and for the same bytes under GOVERNANCE
		StoredEvidence unlocked = store.store(evidence("unlocked"));
		relocate(jdbc, unlocked, putCopy(admin, bucket, unlocked, "unlocked", null));
		StoredEvidence governance = store.store(evidence("governance"));
		relocate(jdbc, governance, putCopy(admin, bucket, governance, "governance",
				new Retention(RetentionMode.GOVERNANCE, governance.retainUntil().atZone(ZoneOffset.UTC))));
		// a hold recorded in the catalogue that never reached the object
		StoredEvidence holdNotSet = store.store(evidence("hold not set"));
		jdbc.sql("insert into evidence_hold (evidence_id, hold, reason, set_by, at) values (?, true, ?, ?, ?)")
			.params(holdNotSet.id(), "dispute", "auditor1", Timestamp.from(Instant.now()))
			.update();

		List<EvidenceIntegrityFailed> events = new ArrayList<>();
		VerificationRun run = Verifications.runNow(store, jdbc, 100, bucket.selfCheck(false),
				event -> events.add((EvidenceIntegrityFailed) event));

		assertThat(run.checked()).isEqualTo(6);
		assertThat(run.ok()).isEqualTo(2);
		assertThat(run.mismatches()).isEqualTo(4);
		assertThat(run.details().get("retentionCheckedAtStore")).isEqualTo(6);
		assertThat(run.details().get("retentionNotVerifiable")).isEqualTo(0);
		Map<String, String> reasons = reasons(run);
		assertThat(reasons).containsOnlyKeys(longer.id().toString(), unlocked.id().toString(),
				governance.id().toString(), holdNotSet.id().toString());
		assertThat(reasons.get(longer.id().toString())).startsWith("RETENTION_MISMATCH").contains("earlier than");
		assertThat(reasons.get(unlocked.id().toString())).startsWith("RETENTION_MISMATCH")
			.contains("no Object Lock retention");
		assertThat(reasons.get(governance.id().toString())).startsWith("RETENTION_MISMATCH").contains("GOVERNANCE");
		assertThat(reasons.get(holdNotSet.id().toString())).startsWith("LEGAL_HOLD_MISMATCH");
		assertThat(events).extracting(EvidenceIntegrityFailed::id)
			.containsExactlyInAnyOrder(longer.id(), unlocked.id(), governance.id(), holdNotSet.id());
		assertThat(events).filteredOn(e -> e.id().equals(unlocked.id()))
			.singleElement()
			.satisfies(e -> assertThat(e.reason()).startsWith("RETENTION_MISMATCH: "));
	}

	@Test
	void onAStoreThatDoesNotEnforceAnObjectWithoutRetentionIsNotVerifiableRatherThanFailed() throws Exception {
		S3MockServer s3 = S3MockServer.shared();
		JdbcClient jdbc = JdbcClient.create(EvidenceDatabase.create());
		S3Bucket bucket = new S3Bucket(S3Settings.of(s3.endpoint(), S3MockServer.ACCESS_KEY, S3MockServer.SECRET_KEY,
				"verify-" + UUID.randomUUID()));
		bucket.createIfMissing();
		S3EvidenceStore store = new S3EvidenceStore(bucket, jdbc, Clock.systemUTC(), EvidenceRetention.defaults());
		MinioClient admin = MinioClient.builder()
			.endpoint(s3.endpoint())
			.credentials(S3MockServer.ACCESS_KEY, S3MockServer.SECRET_KEY)
			.build();
		StoredEvidence stored = store.store(evidence("on S3Mock"));
		StoredEvidence unlocked = store.store(evidence("unlocked on S3Mock"));
		relocate(jdbc, unlocked, putCopy(admin, bucket, unlocked, "unlocked", null));
		EvidenceProtection protection = bucket.selfCheck(true);
		assertThat(protection.status()).isEqualTo(EvidenceProtection.Status.NOT_ENFORCING);

		List<Object> events = new ArrayList<>();
		VerificationRun lenient = Verifications.runNow(store, jdbc, 100, protection, events::add);

		assertThat(lenient.checked()).isEqualTo(2);
		assertThat(lenient.ok()).isEqualTo(2);
		assertThat(lenient.failed()).isFalse();
		assertThat(events).isEmpty();
		assertThat((Integer) lenient.details().get("retentionNotVerifiable")).isGreaterThanOrEqualTo(1);
		assertThat((String) lenient.details().get("retentionNotVerifiableReason")).contains("NOT_ENFORCING");

		// the same store checked as if it enforced: the object without retention fails (the first run forgotten, as a
		// run started within half the interval makes the scheduled one skip)
		jdbc.sql("delete from evidence_verification_run").update();
		VerificationRun strict = Verifications.runNow(store, jdbc, 100, null, events::add);
		assertThat(reasons(strict)).containsKey(unlocked.id().toString());
		assertThat(reasons(strict).get(unlocked.id().toString())).startsWith("RETENTION_MISMATCH");
	}

	private static NewEvidence evidence(String text) {
		return new NewEvidence(EvidenceKind.SMS_RECEIVED, "text/plain", text.getBytes(StandardCharsets.UTF_8),
				EvidenceLinks.notice("C-verify", UUID.randomUUID()));
	}

	/** The same body as {@code e}, put by an administrator under another key, with {@code retention} or none. */
	private static S3Location putCopy(MinioClient admin, S3Bucket bucket, StoredEvidence e, String text,
			Retention retention) throws Exception {
		byte[] body = switch (text) {
			case "unlocked" -> (e.size() == "unlocked on S3Mock".length() ? "unlocked on S3Mock" : "unlocked")
				.getBytes(StandardCharsets.UTF_8);
			default -> text.getBytes(StandardCharsets.UTF_8);
		};
		String key = "copies/" + e.id();
		var put = PutObjectArgs.builder()
			.bucket(bucket.name())
			.object(key)
			.stream(new ByteArrayInputStream(body), body.length, -1);
		if (retention != null) {
			put.retention(retention);
		}
		return new S3Location(bucket.name(), key, admin.putObject(put.build()).versionId());
	}

	private static void relocate(JdbcClient jdbc, StoredEvidence e, S3Location to) {
		jdbc.sql("insert into evidence_location (evidence_id, bucket, object_key, version_id, at) values (?, ?, ?, ?, ?)")
			.params(e.id(), to.bucket(), to.key(), to.versionId(), Timestamp.from(Instant.now()))
			.update();
	}

	/** Failure id → "REASON: message". */
	private static Map<String, String> reasons(VerificationRun run) {
		Map<String, String> reasons = new LinkedHashMap<>();
		for (Object f : (List<?>) run.details().get("failures")) {
			Map<?, ?> failure = (Map<?, ?>) f;
			reasons.put(String.valueOf(failure.get("id")), failure.get("reason") + ": " + failure.get("message"));
		}
		return reasons;
	}

}
