package ackline.evidence.export;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bundle's layout and hashes, and what an export request must name. */
class BundleWriterTests {

	@TempDir
	Path dir;

	@Test
	void sumsListEveryEntryButThemselvesAndTheBundleHashIsTheFiles() throws Exception {
		Path zip = dir.resolve("b.zip");
		String bundleSha;
		try (BundleWriter writer = new BundleWriter(zip)) {
			writer.add("objects/a.wav", new byte[] { 1, 2, 3 }, 0);
			writer.addJson("manifest.json", Map.of("bundle", "x", "objects", List.of()), 0);
			bundleSha = writer.finish(0);
			assertThat(writer.bytes()).isEqualTo(Files.size(zip));
		}
		assertThat(bundleSha).isEqualTo(sha256(Files.readAllBytes(zip)));
		Map<String, byte[]> entries = new LinkedHashMap<>();
		try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
			for (ZipEntry e; (e = in.getNextEntry()) != null;) {
				entries.put(e.getName(), in.readAllBytes());
			}
		}
		assertThat(entries.keySet()).containsExactly("objects/a.wav", "manifest.json", "SHA256SUMS");
		assertThat(new String(entries.get("SHA256SUMS"), StandardCharsets.US_ASCII)).isEqualTo(
				sha256(new byte[] { 1, 2, 3 }) + "  objects/a.wav\n" + sha256(entries.get("manifest.json"))
						+ "  manifest.json\n");
		assertThat(new String(entries.get("manifest.json"), StandardCharsets.UTF_8)).contains("\"bundle\"");
	}

	@Test
	void extensionsFollowTheContentType() {
		assertThat(BundleWriter.extension("audio/wav")).isEqualTo("wav");
		assertThat(BundleWriter.extension("message/rfc822")).isEqualTo("eml");
		assertThat(BundleWriter.extension("application/json; charset=utf-8")).isEqualTo("json");
		assertThat(BundleWriter.extension("text/plain")).isEqualTo("txt");
		assertThat(BundleWriter.extension("application/x-unknown")).isEqualTo("bin");
	}

	@Test
	void aRequestNamesExactlyOneTarget() {
		assertThat(new ExportRequest("C1", null, null).validated().links().clientId()).isEqualTo("C1");
		assertThatThrownBy(() -> new ExportRequest(null, null, null).validated()).isInstanceOfSatisfying(
				ExportRejected.class, ex -> assertThat(ex.errors().get(0).field()).isEqualTo("clientId"));
		assertThatThrownBy(() -> new ExportRequest(null, UUID.randomUUID(), UUID.randomUUID()).validated())
			.isInstanceOfSatisfying(ExportRejected.class,
					ex -> assertThat(ex.errors().get(0).field()).isEqualTo("taskId"));
	}

	private static String sha256(byte[] body) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
	}

}
