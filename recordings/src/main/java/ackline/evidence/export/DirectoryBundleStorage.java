package ackline.evidence.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/** Bundles in a directory of the node that built them (no object storage): only that node can serve them. */
final class DirectoryBundleStorage implements BundleStorage {

	private final Path directory;

	DirectoryBundleStorage(Path directory) {
		this.directory = directory;
	}

	@Override
	public Location put(UUID id, Path file, long bytes, String sha256) throws IOException {
		Files.createDirectories(directory);
		Path target = directory.resolve(id + ".zip");
		Files.move(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		return new Location(target.toAbsolutePath().toString(), null);
	}

	@Override
	public InputStream open(Location location) throws IOException {
		return Files.newInputStream(Path.of(location.where()));
	}

	@Override
	public void delete(Location location) throws IOException {
		Files.deleteIfExists(Path.of(location.where()));
	}

	@Override
	public String describe() {
		return directory.toAbsolutePath().toString();
	}

}
