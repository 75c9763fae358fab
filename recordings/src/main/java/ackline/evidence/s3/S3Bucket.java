package ackline.evidence.s3;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import ackline.evidence.EvidenceProtection;
import ackline.evidence.ObjectLockState;
import io.minio.BucketExistsArgs;
import io.minio.DisableObjectLegalHoldArgs;
import io.minio.EnableObjectLegalHoldArgs;
import io.minio.GetBucketVersioningArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectLockConfigurationArgs;
import io.minio.MakeBucketArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.SetObjectRetentionArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.ObjectLockConfiguration;
import io.minio.messages.Retention;
import io.minio.messages.RetentionMode;
import io.minio.messages.VersioningConfiguration;

/**
 * The evidence bucket, through the MinIO client: the only class that speaks S3. Writes always carry COMPLIANCE
 * retention; there is no delete of evidence here (only of the self-check's canary, which must fail). A second instance
 * serves the exports bucket, whose bundles are written without retention and deleted when they expire.
 */
class S3Bucket {

	private final MinioClient client;

	private final S3HeadClient head;

	private final String name;

	private final String endpoint;

	private final long partSize;

	S3Bucket(S3Settings settings) {
		this(settings, settings.bucket());
	}

	/** The bucket {@code name} on the server of {@code settings} (the exports bucket is another bucket there). */
	S3Bucket(S3Settings settings, String name) {
		this.client = MinioClient.builder()
			.endpoint(settings.endpoint())
			.region(settings.region())
			.credentials(settings.accessKey(), settings.secretKey())
			.build();
		// a store that is down must be noticed quickly (the body then waits in PostgreSQL), a slow upload must not be cut
		this.client.setTimeout(TimeUnit.SECONDS.toMillis(3), TimeUnit.MINUTES.toMillis(5), TimeUnit.MINUTES.toMillis(5));
		MinioAsyncClient async = MinioAsyncClient.builder()
			.endpoint(settings.endpoint())
			.region(settings.region())
			.credentials(settings.accessKey(), settings.secretKey())
			.build();
		async.setTimeout(TimeUnit.SECONDS.toMillis(3), TimeUnit.MINUTES.toMillis(1), TimeUnit.MINUTES.toMillis(1));
		this.head = new S3HeadClient(async);
		this.name = name;
		this.endpoint = settings.endpoint();
		this.partSize = settings.partSize().toBytes();
	}

	String name() {
		return name;
	}

	/** Creates the bucket with Object Lock (which also turns versioning on) when it does not exist yet. */
	void createIfMissing() {
		call("create bucket " + name, () -> {
			if (!client.bucketExists(BucketExistsArgs.builder().bucket(name).build())) {
				client.makeBucket(MakeBucketArgs.builder().bucket(name).objectLock(true).build());
			}
			return null;
		});
	}

	/**
	 * Uploads a new object under COMPLIANCE retention until {@code retainUntil}, with the body's SHA-256 as user
	 * metadata; a stream of unknown or large size goes in multipart parts. Returns the object's version.
	 */
	S3Location put(String key, String contentType, InputStream body, long size, String sha256, Instant retainUntil,
			boolean legalHold) {
		// a known size up to the part size is one PUT (the MinIO client would otherwise cut anything above 5 MB)
		boolean multipart = size < 0 || size > partSize;
		Retention retention = new Retention(RetentionMode.COMPLIANCE, retainUntil.atZone(ZoneOffset.UTC));
		S3Location location = call("put " + key, () -> {
			var response = client.putObject(PutObjectArgs.builder()
				.bucket(name)
				.object(key)
				.stream(body, size, partSize)
				.contentType(contentType)
				.userMetadata(Map.of("sha256", sha256))
				.retention(retention)
				.legalHold(legalHold)
				.build());
			return new S3Location(name, key, response.versionId());
		});
		if (multipart) {
			// Ceph RGW 16 completes a multipart upload without the Object Lock headers given when it was started (the
			// version has no retention and could be deleted): set them on the version itself. Elsewhere this repeats
			// the same retain-until, which COMPLIANCE allows.
			call("retention " + key, () -> {
				client.setObjectRetention(SetObjectRetentionArgs.builder()
					.bucket(name)
					.object(key)
					.versionId(location.versionId())
					.config(retention)
					.build());
				return null;
			});
			if (legalHold) {
				legalHold(location, true);
			}
		}
		return location;
	}

	/** The object's bytes {@code [offset, offset + length)}, or all of it when {@code length} is null; close it. */
	InputStream get(S3Location location, long offset, Long length) {
		return call("get " + location.key(), () -> client.getObject(GetObjectArgs.builder()
			.bucket(location.bucket())
			.object(location.key())
			.versionId(location.versionId())
			.offset(offset > 0 ? offset : null)
			.length(length)
			.build()));
	}

	/** The version's Object Lock mode, retain-until and legal hold as the server reports them (HEAD). */
	ObjectLockState objectLock(S3Location location) {
		return call("head " + location.key(),
				() -> S3HeadClient.objectLock(head.head(location.bucket(), location.key(), location.versionId())));
	}

	/** A URL that GETs the version without credentials for {@code ttl} (whole seconds, at least one). */
	URI presignedGet(S3Location location, Duration ttl) {
		int seconds = (int) Math.max(1, Math.min(ttl.toSeconds(), Integer.MAX_VALUE));
		return call("presign " + location.key(), () -> URI.create(client.getPresignedObjectUrl(
				GetPresignedObjectUrlArgs.builder()
					.method(Method.GET)
					.bucket(location.bucket())
					.object(location.key())
					.versionId(location.versionId())
					.expiry(seconds)
					.build())));
	}

	/** Creates the bucket, without Object Lock, when it does not exist yet (the exports bucket). */
	void createPlainIfMissing() {
		call("create bucket " + name, () -> {
			if (!client.bucketExists(BucketExistsArgs.builder().bucket(name).build())) {
				client.makeBucket(MakeBucketArgs.builder().bucket(name).build());
			}
			return null;
		});
	}

	/**
	 * The bucket's default Object Lock retention ({@code COMPLIANCE 365 DAYS}), which every object written without
	 * retention of its own gets; empty when the bucket has none or no Object Lock at all.
	 */
	Optional<String> defaultRetention() {
		try {
			ObjectLockConfiguration lock = call("read Object Lock configuration", () -> client
				.getObjectLockConfiguration(GetObjectLockConfigurationArgs.builder().bucket(name).build()));
			if (lock == null || lock.mode() == null || lock.duration() == null) {
				return Optional.empty();
			}
			return Optional.of(lock.mode() + " " + lock.duration().duration() + " " + lock.duration().unit());
		}
		catch (S3StorageException ex) {
			if (S3StorageException.UNREACHABLE.equals(ex.code())) {
				throw ex;
			}
			return Optional.empty(); // no Object Lock configuration
		}
	}

	/**
	 * Uploads a file that is <em>not</em> evidence (an export bundle) with no retention of its own, so that it can be
	 * deleted later; returns its version.
	 */
	S3Location putDeletable(String key, String contentType, InputStream body, long size, String sha256) {
		return call("put " + key, () -> {
			var response = client.putObject(PutObjectArgs.builder()
				.bucket(name)
				.object(key)
				.stream(body, size, partSize)
				.contentType(contentType)
				.userMetadata(Map.of("sha256", sha256))
				.build());
			return new S3Location(name, key, response.versionId());
		});
	}

	/**
	 * Deletes the version (or the object, in a bucket without versions): only for what {@link #putDeletable} wrote;
	 * an object under retention refuses it (AccessDenied).
	 */
	void delete(S3Location location) {
		call("delete " + location.key(), () -> {
			client.removeObject(RemoveObjectArgs.builder()
				.bucket(location.bucket())
				.object(location.key())
				.versionId(location.versionId())
				.build());
			return null;
		});
	}

	void legalHold(S3Location location, boolean on) {
		call("legal hold " + location.key(), () -> {
			if (on) {
				client.enableObjectLegalHold(EnableObjectLegalHoldArgs.builder()
					.bucket(location.bucket())
					.object(location.key())
					.versionId(location.versionId())
					.build());
			}
			else {
				client.disableObjectLegalHold(DisableObjectLegalHoldArgs.builder()
					.bucket(location.bucket())
					.object(location.key())
					.versionId(location.versionId())
					.build());
			}
			return null;
		});
	}

	/**
	 * Does the bucket protect evidence? Object Lock and versioning must be on; with {@code canary}, an object under one
	 * day of COMPLIANCE retention is written and its version deleted: a delete that succeeds means the server does not
	 * enforce Object Lock (S3Mock, a misconfigured gateway) whatever its configuration says.
	 */
	EvidenceProtection selfCheck(boolean canary) {
		String store = "s3://" + name + " at " + endpoint;
		List<String> findings = new ArrayList<>();
		try {
			call("read Object Lock configuration", () -> client
				.getObjectLockConfiguration(GetObjectLockConfigurationArgs.builder().bucket(name).build()));
		}
		catch (S3StorageException ex) {
			if (S3StorageException.UNREACHABLE.equals(ex.code())) {
				return new EvidenceProtection(EvidenceProtection.Status.NOT_CHECKED, store,
						List.of("object storage unreachable: " + ex.getMessage()));
			}
			findings.add("bucket " + name + " has no Object Lock (" + ex.code() + "); it can only be turned on when "
					+ "a bucket is created (mc mb --with-lock)");
		}
		VersioningConfiguration versioning = call("read versioning",
				() -> client.getBucketVersioning(GetBucketVersioningArgs.builder().bucket(name).build()));
		if (versioning.status() != VersioningConfiguration.Status.ENABLED) {
			findings.add("bucket " + name + " does not keep versions (versioning " + versioning.status() + ")");
		}
		if (canary) {
			String key = "_self-check/" + UUID.randomUUID();
			byte[] body = "Ackline self-check canary: this version must not be deletable for a day".getBytes();
			S3Location location = put(key, "text/plain", new java.io.ByteArrayInputStream(body), body.length,
					"canary", Instant.now().plusSeconds(86_400), false);
			try {
				call("delete canary " + key, () -> {
					client.removeObject(RemoveObjectArgs.builder()
						.bucket(name)
						.object(key)
						.versionId(location.versionId())
						.build());
					return null;
				});
				findings.add("a canary under COMPLIANCE retention was deleted (" + key + "): the server does not "
						+ "enforce Object Lock");
			}
			catch (S3StorageException refused) {
				if (!"AccessDenied".equals(refused.code())) {
					findings.add("deleting the canary failed with " + refused.code() + ", not AccessDenied: "
							+ refused.getMessage());
				}
			}
		}
		return new EvidenceProtection(
				findings.isEmpty() ? EvidenceProtection.Status.ENFORCING : EvidenceProtection.Status.NOT_ENFORCING,
				store, findings);
	}

	private interface S3Call<T> {

		T run() throws Exception;

	}

	private <T> T call(String what, S3Call<T> call) {
		try {
			return call.run();
		}
		catch (ErrorResponseException ex) {
			String code = ex.errorResponse().code();
			throw new S3StorageException(code, what + " in " + name + ": " + code + " " + ex.errorResponse().message(), ex);
		}
		catch (ConnectException | java.net.SocketTimeoutException | java.net.UnknownHostException ex) {
			throw new S3StorageException(S3StorageException.UNREACHABLE, what + ": " + endpoint + " unreachable: " + ex,
					ex);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new S3StorageException(ex.getClass().getSimpleName(), what + " in " + name + ": " + ex, ex);
		}
	}

}
