package ackline.evidence.s3;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

import ackline.evidence.Sha256;
import ackline.evidence.export.BundleStorage;
import ackline.testing.s3.CephRgw;
import io.minio.MinioClient;
import io.minio.SetObjectLockConfigurationArgs;
import io.minio.messages.ObjectLockConfiguration;
import io.minio.messages.RetentionDurationDays;
import io.minio.messages.RetentionMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Export bundles on Ceph RGW: kept in the exports bucket (created without Object Lock), read back whole, deleted when
 * they expire. In a bucket with a default COMPLIANCE retention, as deployments give the evidence bucket, the same
 * delete is refused: why bundles go to a bucket of their own.
 */
class S3BundleStorageTests {

	@Test
	void aBundleInTheExportsBucketReadsBackAndIsDeleted(@TempDir Path dir) throws Exception {
		CephRgw rgw = CephRgw.shared();
		S3Settings settings = S3Settings.of(rgw.endpoint(), CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY,
				"ev-" + UUID.randomUUID().toString().substring(0, 8));
		assertThat(settings.exportsBucket()).isEqualTo(settings.bucket() + "-exports");
		S3Bucket exports = new S3Bucket(settings, settings.exportsBucket());
		exports.createPlainIfMissing();
		assertThat(exports.defaultRetention()).isEmpty();
		S3BundleStorage storage = new S3BundleStorage(exports);
		byte[] zip = new byte[3 * 1024 * 1024];
		new Random(5).nextBytes(zip);
		Path file = Files.write(dir.resolve("b.zip.part"), zip);
		UUID id = UUID.randomUUID();

		BundleStorage.Location location = storage.put(id, file, zip.length, Sha256.hex(zip));

		assertThat(location.where()).isEqualTo("exports/" + id + ".zip");
		try (InputStream in = storage.open(location)) {
			assertThat(in.readAllBytes()).isEqualTo(zip);
		}
		storage.delete(location);
		assertThatThrownBy(() -> storage.open(location).close()).isInstanceOfSatisfying(S3StorageException.class,
				ex -> assertThat(ex.code()).isEqualTo("NoSuchKey"));
		storage.delete(location); // gone already: deleted all the same
	}

	@Test
	void aBucketWithDefaultRetentionKeepsBundlesBeyondTheirExpiry(@TempDir Path dir) throws Exception {
		CephRgw rgw = CephRgw.shared();
		S3Settings settings = S3Settings.of(rgw.endpoint(), CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY,
				"ev-" + UUID.randomUUID().toString().substring(0, 8));
		S3Bucket evidence = new S3Bucket(settings);
		evidence.createIfMissing();
		MinioClient admin = MinioClient.builder()
			.endpoint(rgw.endpoint())
			.credentials(CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY)
			.build();
		admin.setObjectLockConfiguration(SetObjectLockConfigurationArgs.builder()
			.bucket(evidence.name())
			.config(new ObjectLockConfiguration(RetentionMode.COMPLIANCE, new RetentionDurationDays(1)))
			.build());
		assertThat(evidence.defaultRetention()).hasValueSatisfying(r -> assertThat(r).contains("COMPLIANCE"));
		S3BundleStorage storage = new S3BundleStorage(evidence);
		byte[] zip = "PK not really a zip".getBytes();
		BundleStorage.Location location = storage.put(UUID.randomUUID(), Files.write(dir.resolve("b"), zip),
				zip.length, Sha256.hex(zip));

		assertThatThrownBy(() -> storage.delete(location)).isInstanceOfSatisfying(S3StorageException.class,
				ex -> assertThat(ex.code()).isEqualTo("AccessDenied"));
	}

}
