package ackline.evidence.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Where finished export bundles are kept until they expire: object storage (the exports bucket, so that any node
 * serves any bundle) when it is configured, else the building node's directory. Bundles are not evidence: they are
 * written without retention and deleted after {@code ackline.evidence.export.keep-for}.
 */
public interface BundleStorage {

	/** Keeps the finished zip {@code file} (of {@code bytes}, SHA-256 {@code sha256}) as export {@code id}'s bundle. */
	Location put(UUID id, Path file, long bytes, String sha256) throws IOException;

	/** The bundle's bytes, to stream; close it. */
	InputStream open(Location location) throws IOException;

	/** Deletes the bundle; one that is gone already counts as deleted. */
	void delete(Location location) throws IOException;

	/** Where bundles go, for logs ({@code s3://ackline-evidence-exports/exports/}, a directory). */
	String describe();

	/** Where one bundle is: a key or path, and the object version where the store keeps versions. */
	record Location(String where, String version) {
	}

}
