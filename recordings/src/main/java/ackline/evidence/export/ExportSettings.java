package ackline.evidence.export;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Export bundles ({@code ackline.evidence.export.*}).
 * @param directory where bundles are written (default {@code ackline-exports} under the temporary directory); a bundle
 * is downloaded from the node that built it
 * @param threads exports built at the same time (default 1: an export reads every object it holds)
 */
@ConfigurationProperties("ackline.evidence.export")
record ExportSettings(Path directory, Integer threads) {

	ExportSettings {
		directory = directory == null ? Path.of(System.getProperty("java.io.tmpdir"), "ackline-exports") : directory;
		threads = threads == null || threads < 1 ? 1 : threads;
	}

}
