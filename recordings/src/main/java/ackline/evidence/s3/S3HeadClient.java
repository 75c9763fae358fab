package ackline.evidence.s3;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import ackline.evidence.ObjectLockState;
import com.google.common.collect.HashMultimap;
import com.google.common.collect.Multimap;
import io.minio.MinioAsyncClient;
import io.minio.StatObjectArgs;
import okhttp3.Headers;
import okhttp3.Response;

/**
 * HEAD of one object version with its raw response headers. The MinIO client's {@code statObject} parses
 * {@code x-amz-object-lock-retain-until-date} with a fixed pattern and fails on Ceph RGW's nine fractional digits
 * ({@code 2031-11-21T02:15:30.123456789Z}), so the Object Lock headers are read here and parsed leniently.
 */
final class S3HeadClient extends MinioAsyncClient {

	static final String MODE = "x-amz-object-lock-mode";

	static final String RETAIN_UNTIL = "x-amz-object-lock-retain-until-date";

	static final String LEGAL_HOLD = "x-amz-object-lock-legal-hold";

	S3HeadClient(MinioAsyncClient client) {
		super(client);
	}

	/** The version's response headers (HEAD); S3 errors as {@link io.minio.errors.ErrorResponseException}. */
	Headers head(String bucket, String key, String versionId) throws Exception {
		StatObjectArgs args = StatObjectArgs.builder().bucket(bucket).object(key).versionId(versionId).build();
		Multimap<String, String> query = HashMultimap.create();
		if (versionId != null) {
			query.put("versionId", versionId);
		}
		try (Response response = executeHead(args, HashMultimap.create(), query)) {
			return response.headers();
		}
	}

	/** The Object Lock headers of a HEAD answer; absent ones are null / false. */
	static ObjectLockState objectLock(Headers headers) {
		String mode = headers.get(MODE);
		String until = headers.get(RETAIN_UNTIL);
		String hold = headers.get(LEGAL_HOLD);
		return new ObjectLockState(mode == null || mode.isBlank() ? null : mode.strip().toUpperCase(Locale.ROOT),
				until == null || until.isBlank() ? null : parseDate(until),
				hold != null && hold.strip().equalsIgnoreCase("ON"));
	}

	/**
	 * An S3 date: ISO-8601 with 0 to 9 fractional digits and {@code Z} or an offset (RGW sends nine digits, MinIO and
	 * AWS three), or the RFC 1123 form some gateways use.
	 */
	static Instant parseDate(String value) {
		String v = value.strip();
		try {
			return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
		}
		catch (DateTimeParseException iso) {
			try {
				return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
			}
			catch (DateTimeParseException rfc) {
				iso.addSuppressed(rfc);
				throw iso;
			}
		}
	}

}
