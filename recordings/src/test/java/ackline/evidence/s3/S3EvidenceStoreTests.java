package ackline.evidence.s3;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import ackline.evidence.Sha256;
import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.EvidenceTamperedException;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
import ackline.testing.s3.S3MockServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 store against S3Mock (fast, Object Lock accepted but not enforced): where bodies go, what rows say, the
 * self-check's verdict, and nothing lost while object storage is down. Enforcement itself: {@code CephRgwWormTests}.
 */
class S3EvidenceStoreTests {

	static DataSource dataSource;

	static JdbcClient jdbc;

	static S3Bucket bucket;

	static S3EvidenceStore store;

	final Clock clock = Clock.systemUTC();

	@BeforeAll
	static void start() {
		dataSource = EvidenceDatabase.create();
		jdbc = JdbcClient.create(dataSource);
		S3MockServer s3 = S3MockServer.shared();
		bucket = new S3Bucket(S3Settings.of(s3.endpoint(), S3MockServer.ACCESS_KEY, S3MockServer.SECRET_KEY,
				"evidence-" + UUID.randomUUID()));
		bucket.createIfMissing();
		store = new S3EvidenceStore(bucket, jdbc, Clock.systemUTC(), EvidenceRetention.defaults());
	}

	@Test
	void bodiesGoToTheBucketUnderTheirKindAndDayAndComeBackUnaltered() {
		UUID notice = UUID.randomUUID();
		byte[] body = "{\"MessageSid\":\"SM1\",\"Body\":\"确认\"}".getBytes(StandardCharsets.UTF_8);
		StoredEvidence stored = store.store(new NewEvidence(EvidenceKind.SMS_RECEIVED, "application/json", body,
				EvidenceLinks.notice("C1", notice)));

		assertThat(store.read(stored.id())).isEqualTo(body);
		assertThat(stored.sha256()).isEqualTo(Sha256.hex(body));
		assertThat(stored.retainUntil()).isEqualTo(EvidenceRetention.defaults().retainUntil(EvidenceKind.SMS_RECEIVED,
				stored.storedAt()));
		assertThat(store.find(stored.id())).contains(stored);
		assertThat(store.forNotice(notice)).containsExactly(stored);
		var row = jdbc.sql("select storage, body, bucket, object_key, version_id from evidence where id = ?")
			.param(stored.id())
			.query()
			.singleRow();
		assertThat(row.get("storage")).isEqualTo("S3");
		assertThat(row.get("body")).isNull();
		assertThat(row.get("bucket")).isEqualTo(bucket.name());
		assertThat((String) row.get("object_key")).matches("SMS_RECEIVED/\\d{4}/\\d{2}/\\d{2}/" + stored.id());
		// no version id here: S3Mock keeps no versions (Ceph RGW does, see CephRgwWormTests)
	}

	@Test
	void rangesAreReadFromTheObject() throws Exception {
		byte[] body = new byte[100_000];
		new Random(7).nextBytes(body);
		StoredEvidence stored = store.store(new NewEvidence(EvidenceKind.CALL_RECORDING, "audio/wav", body, null));

		try (InputStream in = store.openRange(stored.id(), 1000, 500)) {
			assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(body, 1000, 1500));
		}
		try (InputStream in = store.openRange(stored.id(), 99_900, 500)) {
			assertThat(in.readAllBytes()).hasSize(100);
		}
	}

	@Test
	void aFileIsStreamedInPartsAndHashedWhole(@TempDir Path dir) throws Exception {
		byte[] body = new byte[12 * 1024 * 1024];
		new Random(3).nextBytes(body);
		Path file = Files.write(dir.resolve("call.wav"), body);
		S3Bucket smallParts = new S3Bucket(new S3Settings(S3MockServer.shared().endpoint(), "us-east-1",
				S3MockServer.ACCESS_KEY, S3MockServer.SECRET_KEY, bucket.name(),
				org.springframework.util.unit.DataSize.ofMegabytes(5), java.time.Duration.ofSeconds(5), null));
		S3EvidenceStore parts = new S3EvidenceStore(smallParts, jdbc, clock, EvidenceRetention.defaults());

		StoredEvidence stored = parts.storeFile(EvidenceKind.CALL_RECORDING, "audio/wav", file, EvidenceLinks.none());

		assertThat(stored.size()).isEqualTo(body.length);
		assertThat(stored.sha256()).isEqualTo(Sha256.hex(body));
		assertThat(parts.read(stored.id())).isEqualTo(body);
	}

	@Test
	void aBodyThatNoLongerMatchesItsHashIsRefused() {
		StoredEvidence stored = store.store(new NewEvidence(EvidenceKind.ACK_CLICK, "application/json",
				"{\"ip\":\"10.0.0.1\"}".getBytes(StandardCharsets.UTF_8), null));
		StoredEvidence other = store.store(new NewEvidence(EvidenceKind.ACK_CLICK, "application/json",
				"{\"ip\":\"10.6.6.6\"}".getBytes(StandardCharsets.UTF_8), null));
		var otherLocation = store.stored(other.id()).location();
		// the object a row points at replaced by another: what a swapped or altered object looks like to the store
		jdbc.sql("insert into evidence_location (evidence_id, bucket, object_key, version_id, at) values (?, ?, ?, ?, ?)")
			.params(stored.id(), otherLocation.bucket(), otherLocation.key(), otherLocation.versionId(),
					Timestamp.from(Instant.now()))
			.update();

		assertThatThrownBy(() -> store.read(stored.id())).isInstanceOf(EvidenceTamperedException.class)
			.hasMessageContaining(stored.sha256());
	}

	@Test
	void legalHoldsAreSetOnTheObjectAndKept() {
		StoredEvidence stored = store.store(new NewEvidence(EvidenceKind.EMAIL_RECEIVED, "message/rfc822",
				"Subject: complaint\r\n\r\nbody".getBytes(StandardCharsets.UTF_8), null));

		store.setLegalHold(stored.id(), true, "complaint 2026-117", "auditor1");
		assertThat(store.find(stored.id()).orElseThrow().legalHold()).isTrue();
		store.setLegalHold(stored.id(), false, "complaint closed", "auditor1");
		assertThat(store.find(stored.id()).orElseThrow().legalHold()).isFalse();

		assertThat(jdbc.sql("select count(*) from evidence_hold where evidence_id = ?").param(stored.id())
			.query(Long.class).single()).isEqualTo(2);
		assertThatThrownBy(() -> store.setLegalHold(stored.id(), true, " ", "auditor1"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void theSelfCheckFindsThatS3MockDoesNotEnforceObjectLock() {
		EvidenceProtection protection = bucket.selfCheck(true);

		assertThat(protection.status()).isEqualTo(EvidenceProtection.Status.NOT_ENFORCING);
		assertThat(protection.findings()).anySatisfy(f -> assertThat(f).contains("canary").contains("was deleted"));
		assertThatThrownBy(() -> S3EvidenceStoreConfiguration.check(bucket,
				S3EvidenceStoreConfiguration.SelfCheck.ENFORCE, true))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("does not protect evidence")
			.hasMessageContaining("ackline.evidence.self-check=warn");
		assertThat(S3EvidenceStoreConfiguration.check(bucket, S3EvidenceStoreConfiguration.SelfCheck.WARN, true)
			.status()).isEqualTo(EvidenceProtection.Status.NOT_ENFORCING);
	}

	@Test
	void whileObjectStorageIsDownBodiesWaitInTheirRowsAndMoveWhenItIsBack() {
		try (S3MockServer own = S3MockServer.start()) {
			S3Bucket ownBucket = new S3Bucket(S3Settings.of(own.endpoint(), S3MockServer.ACCESS_KEY,
					S3MockServer.SECRET_KEY, "evidence-down"));
			ownBucket.createIfMissing();
			S3EvidenceStore downStore = new S3EvidenceStore(ownBucket, jdbc, clock, EvidenceRetention.defaults());
			S3UploadQueue queue = new S3UploadQueue(ownBucket, jdbc,
					new TransactionTemplate(new DataSourceTransactionManager(dataSource)), clock,
					EvidenceRetention.defaults(), java.time.Duration.ofSeconds(1));
			queue.drain();
			own.stop();

			byte[] body = "RIFF....WAVE".getBytes(StandardCharsets.US_ASCII);
			StoredEvidence stored = downStore.store(new NewEvidence(EvidenceKind.CALL_RECORDING, "audio/wav", body,
					null));
			assertThat(jdbc.sql("select storage from evidence where id = ?").param(stored.id()).query(String.class)
				.single()).isEqualTo("DB");
			assertThat(downStore.read(stored.id())).isEqualTo(body);
			downStore.setLegalHold(stored.id(), true, "dispute", "auditor1");
			assertThat(queue.drain()).isZero();
			assertThat(jdbc.sql("select attempts from evidence_upload where evidence_id = ?").param(stored.id())
				.query(Integer.class).single()).isEqualTo(1);

			own.launch();
			jdbc.sql("update evidence_upload set next_at = now() where evidence_id = ?").param(stored.id()).update();
			assertThat(queue.drain()).isGreaterThanOrEqualTo(1);

			assertThat(jdbc.sql("select count(*) from evidence_upload where evidence_id = ?").param(stored.id())
				.query(Long.class).single()).isZero();
			S3Location location = downStore.stored(stored.id()).location();
			assertThat(location).isNotNull();
			assertThat(location.key()).endsWith("/" + stored.id());
			assertThat(downStore.read(stored.id())).isEqualTo(body);
		}
	}

}
