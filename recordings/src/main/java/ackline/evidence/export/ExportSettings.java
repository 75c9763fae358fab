package ackline.evidence.export;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Export bundles ({@code ackline.evidence.export.*}).
 * @param directory where bundles are built (default {@code ackline-exports} under the temporary directory) and, without
 * object storage, kept (then a bundle is downloaded from the node that built it); with object storage the finished
 * bundle goes to the exports bucket and the local file is removed
 * @param threads exports built at the same time (default 1: an export reads every object it holds)
 * @param keepFor how long a finished bundle is kept before it is deleted and its export turns EXPIRED (default 7 days)
 * @param expiryInterval how often expired bundles are looked for (default 1 hour)
 */
@ConfigurationProperties("ackline.evidence.export")
record ExportSettings(Path directory, Integer threads, Duration keepFor, Duration expiryInterval) {

	ExportSettings {
		keepFor = keepFor == null ? Duration.ofDays(7) : keepFor;
		expiryInterval = expiryInterval == null ? Duration.ofHours(1) : expiryInterval;
		if (keepFor.isNegative()) {
			throw new IllegalArgumentException("ackline.evidence.export.keep-for must not be negative");
		}
		directory = directory == null ? Path.of(System.getProperty("java.io.tmpdir"), "ackline-exports") : directory;
		threads = threads == null || threads < 1 ? 1 : threads;
	}

}
