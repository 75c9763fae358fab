package ackline.evidence.s3;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;

import ackline.evidence.Sha256;
import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
import ackline.testing.s3.CephRgw;
import io.minio.IsObjectLegalHoldEnabledArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.SetObjectRetentionArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Retention;
import io.minio.messages.RetentionMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Write once, read many, against a server that enforces Object Lock (Ceph RGW): what the store writes cannot be
 * deleted, its retention cannot be shortened, and a legal hold keeps even an object without retention. The attempts go
 * through the MinIO client directly, as an administrator with the bucket's keys would make them.
 */
class CephRgwWormTests {

	static CephRgw rgw;

	static S3Bucket bucket;

	static S3EvidenceStore store;

	static MinioClient admin;

	@BeforeAll
	static void start() {
		rgw = CephRgw.shared();
		bucket = new S3Bucket(S3Settings.of(rgw.endpoint(), CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY,
				"evidence-" + UUID.randomUUID()));
		bucket.createIfMissing();
		store = new S3EvidenceStore(bucket, JdbcClient.create(EvidenceDatabase.create()), Clock.systemUTC(),
				EvidenceRetention.defaults());
		admin = MinioClient.builder().endpoint(rgw.endpoint()).credentials(CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY).build();
	}

	@Test
	void storedEvidenceReadsBackWithTheSameSha256AndCannotBeDeleted() {
		byte[] body = "Subject: 追加保证金通知\r\n\r\n请于今日15:00前补足。".getBytes(StandardCharsets.UTF_8);
		StoredEvidence stored = store.store(new NewEvidence(EvidenceKind.EMAIL_SENT, "message/rfc822", body,
				EvidenceLinks.notice("C9", UUID.randomUUID())));

		assertThat(Sha256.hex(store.read(stored.id()))).isEqualTo(stored.sha256());
		S3Location location = store.stored(stored.id()).location();
		assertThatThrownBy(() -> admin.removeObject(RemoveObjectArgs.builder()
			.bucket(location.bucket())
			.object(location.key())
			.versionId(location.versionId())
			.build())).isInstanceOfSatisfying(ErrorResponseException.class,
					ex -> assertThat(ex.errorResponse().code()).isEqualTo("AccessDenied"));
		assertThat(store.read(stored.id())).isEqualTo(body);
	}

	@Test
	void retentionCannotBeShortened() {
		StoredEvidence stored = store.store(new NewEvidence(EvidenceKind.ACK_CLICK, "application/json",
				"{\"ip\":\"10.1.2.3\"}".getBytes(StandardCharsets.UTF_8), null));
		S3Location location = store.stored(stored.id()).location();

		assertThatThrownBy(() -> admin.setObjectRetention(SetObjectRetentionArgs.builder()
			.bucket(location.bucket())
			.object(location.key())
			.versionId(location.versionId())
			.config(new Retention(RetentionMode.COMPLIANCE, ZonedDateTime.now(ZoneOffset.UTC).plusDays(1)))
			.build())).isInstanceOfSatisfying(ErrorResponseException.class,
					ex -> assertThat(ex.errorResponse().code()).isEqualTo("AccessDenied"));
	}

	@Test
	void aLegalHoldAloneRefusesTheDelete() throws Exception {
		String key = "hold-test/" + UUID.randomUUID();
		byte[] body = "no retention, only a hold".getBytes(StandardCharsets.UTF_8);
		String version = admin.putObject(PutObjectArgs.builder()
			.bucket(bucket.name())
			.object(key)
			.stream(new ByteArrayInputStream(body), body.length, -1)
			.legalHold(true)
			.build()).versionId();
		RemoveObjectArgs delete = RemoveObjectArgs.builder().bucket(bucket.name()).object(key).versionId(version).build();

		assertThatThrownBy(() -> admin.removeObject(delete)).isInstanceOfSatisfying(ErrorResponseException.class,
				ex -> assertThat(ex.errorResponse().code()).isEqualTo("AccessDenied"));
	}

	@Test
	void theStoreSetsAndLiftsLegalHoldsOnTheObjectVersion() throws Exception {
		StoredEvidence stored = store.store(new NewEvidence(EvidenceKind.CALL_RECORDING, "audio/wav",
				"RIFF....WAVEfmt ".getBytes(StandardCharsets.US_ASCII), null));
		S3Location location = store.stored(stored.id()).location();
		IsObjectLegalHoldEnabledArgs hold = IsObjectLegalHoldEnabledArgs.builder()
			.bucket(location.bucket())
			.object(location.key())
			.versionId(location.versionId())
			.build();

		store.setLegalHold(stored.id(), true, "complaint 2026-118", "auditor1");
		assertThat(admin.isObjectLegalHoldEnabled(hold)).isTrue();
		store.setLegalHold(stored.id(), false, "complaint closed", "auditor1");
		assertThat(admin.isObjectLegalHoldEnabled(hold)).isFalse();
	}

	@Test
	void theSelfCheckFindsRgwEnforcing() {
		EvidenceProtection protection = bucket.selfCheck(true);

		assertThat(protection.findings()).isEmpty();
		assertThat(protection.status()).isEqualTo(EvidenceProtection.Status.ENFORCING);
	}

	@Test
	void aRecordingUploadedInPartsIsUnderRetentionToo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
			throws Exception {
		// 12 MB in 5 MB parts: CompleteMultipartUpload on RGW must leave the retention asked for at the start
		S3Bucket parts = new S3Bucket(new S3Settings(rgw.endpoint(), "us-east-1", CephRgw.ACCESS_KEY,
				CephRgw.SECRET_KEY, bucket.name(), org.springframework.util.unit.DataSize.ofMegabytes(5),
				java.time.Duration.ofSeconds(5), null));
		S3EvidenceStore partsStore = new S3EvidenceStore(parts, JdbcClient.create(EvidenceDatabase.create()),
				Clock.systemUTC(), EvidenceRetention.defaults());
		byte[] body = new byte[12 * 1024 * 1024];
		new java.util.Random(9).nextBytes(body);
		StoredEvidence stored = partsStore.storeFile(EvidenceKind.CALL_RECORDING, "audio/wav",
				java.nio.file.Files.write(dir.resolve("call.wav"), body), EvidenceLinks.none());
		S3Location location = partsStore.stored(stored.id()).location();

		var lock = partsStore.objectLockAtStore(stored.id()).orElseThrow();
		assertThat(lock.mode()).isEqualTo("COMPLIANCE");
		assertThat(lock.retainUntil()).isAfterOrEqualTo(stored.retainUntil().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
		assertThatThrownBy(() -> admin.removeObject(RemoveObjectArgs.builder()
			.bucket(location.bucket())
			.object(location.key())
			.versionId(location.versionId())
			.build())).isInstanceOfSatisfying(ErrorResponseException.class,
					ex -> assertThat(ex.errorResponse().code()).isEqualTo("AccessDenied"));
		assertThat(partsStore.read(stored.id())).isEqualTo(body);
	}

}
