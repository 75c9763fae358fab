package ackline.evidence.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import ackline.evidence.export.BundleStorage;

/**
 * Export bundles in the exports bucket under {@code exports/<export-id>.zip}, written without retention (they are not
 * evidence) so that they can be deleted when they expire; any node streams any bundle from there.
 */
final class S3BundleStorage implements BundleStorage {

	static final String PREFIX = "exports/";

	private final S3Bucket bucket;

	S3BundleStorage(S3Bucket bucket) {
		this.bucket = bucket;
	}

	@Override
	public Location put(UUID id, Path file, long bytes, String sha256) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			S3Location location = bucket.putDeletable(PREFIX + id + ".zip", "application/zip", in, bytes, sha256);
			return new Location(location.key(), location.versionId());
		}
	}

	@Override
	public InputStream open(Location location) {
		return bucket.get(new S3Location(bucket.name(), location.where(), location.version()), 0, null);
	}

	@Override
	public void delete(Location location) {
		try {
			bucket.delete(new S3Location(bucket.name(), location.where(), location.version()));
		}
		catch (S3StorageException ex) {
			if (!"NoSuchKey".equals(ex.code()) && !"NoSuchVersion".equals(ex.code())) {
				throw ex;
			}
		}
	}

	@Override
	public String describe() {
		return "s3://" + bucket.name() + "/" + PREFIX;
	}

}
