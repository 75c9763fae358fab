package ackline.evidence.export;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import ackline.evidence.Sha256;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a bundle zip entry by entry, straight to disk: each entry's SHA-256 is taken while it is written (for
 * {@code SHA256SUMS}) and the whole file's while the zip is written (the bundle's SHA-256). Bodies are written one at
 * a time and never held together.
 */
final class BundleWriter implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final MessageDigest fileDigest = Sha256.digest();

	private final OutputStream file;

	private final ZipOutputStream zip;

	private final Map<String, String> sums = new LinkedHashMap<>();

	private long bytes;

	BundleWriter(Path path) throws IOException {
		this.file = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(path), 64 * 1024), fileDigest) {

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				super.write(b, off, len);
				bytes += len;
			}

			@Override
			public void write(int b) throws IOException {
				super.write(b);
				bytes++;
			}

		};
		this.zip = new ZipOutputStream(file, StandardCharsets.UTF_8);
	}

	/** One entry with these bytes; returns their SHA-256. */
	String add(String name, byte[] body, long time) throws IOException {
		ZipEntry entry = new ZipEntry(name);
		entry.setTime(time);
		zip.putNextEntry(entry);
		zip.write(body);
		zip.closeEntry();
		String sha = Sha256.hex(body);
		sums.put(name, sha);
		return sha;
	}

	/** One entry holding {@code value} as indented JSON, written as it is generated. */
	void addJson(String name, Object value, long time) throws IOException {
		ZipEntry entry = new ZipEntry(name);
		entry.setTime(time);
		zip.putNextEntry(entry);
		MessageDigest digest = Sha256.digest();
		// the generator closes what it writes to: keep the zip open
		OutputStream entryOut = new DigestOutputStream(new FilterOutputStream(zip) {

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				out.write(b, off, len);
			}

			@Override
			public void close() throws IOException {
				flush();
			}

		}, digest);
		JSON.writeValue(entryOut, value);
		zip.closeEntry();
		sums.put(name, HexFormat.of().formatHex(digest.digest()));
	}

	/**
	 * {@code SHA256SUMS} for every entry written so far, in {@code sha256sum}'s format (hash, two spaces, name), then
	 * the end of the zip; returns the zip's SHA-256.
	 */
	String finish(long time) throws IOException {
		StringBuilder text = new StringBuilder();
		sums.forEach((name, sha) -> text.append(sha).append("  ").append(name).append('\n'));
		ZipEntry entry = new ZipEntry("SHA256SUMS");
		entry.setTime(time);
		zip.putNextEntry(entry);
		zip.write(text.toString().getBytes(StandardCharsets.US_ASCII));
		zip.closeEntry();
		zip.finish();
		file.flush();
		return HexFormat.of().formatHex(fileDigest.digest());
	}

	long bytes() {
		return bytes;
	}

	@Override
	public void close() throws IOException {
		zip.close();
	}

	/** The file extension for a content type: wav, eml, json, txt, … (bin when unknown). */
	static String extension(String contentType) {
		String type = contentType == null ? "" : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
		return switch (type) {
			case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave" -> "wav";
			case "audio/mpeg" -> "mp3";
			case "message/rfc822" -> "eml";
			case "application/json" -> "json";
			case "text/plain", "application/x-www-form-urlencoded" -> "txt";
			case "text/html" -> "html";
			case "application/xml", "text/xml" -> "xml";
			case "application/pdf" -> "pdf";
			case "image/png" -> "png";
			case "image/jpeg" -> "jpg";
			default -> type.endsWith("+json") ? "json" : type.endsWith("+xml") ? "xml" : "bin";
		};
	}


}
