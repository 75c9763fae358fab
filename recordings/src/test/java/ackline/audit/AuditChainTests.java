package ackline.audit;

import java.time.Instant;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The canonical text an entry's hash covers; the chain itself is tested against PostgreSQL in web. */
class AuditChainTests {

	private final JsonMapper json = JsonMapper.builder()
		.enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.build();

	@Test
	void detailIsWrittenWithSortedKeysAndNoWhitespace() {
		String text = CanonicalJson.write(json.readTree("{\"b\": [1, 2.50, true, null], \"a\": {\"z\": \"x\\ny\", \"c\": \"\\u0001\"}}"));

		assertThat(text).isEqualTo("{\"a\":{\"c\":\"\\u0001\",\"z\":\"x\\ny\"},\"b\":[1,2.50,true,null]}");
	}

	@Test
	void canonicalTextCoversEveryFieldAndMicroseconds() {
		Instant at = Instant.parse("2026-11-21T10:15:30.123456789Z");

		String text = AuditLog.canonical(7, at, "auditor1", "RECORDING_PLAY", "RECORDING", null, "{\"range\":\"bytes=0-99\"}",
				AuditLog.GENESIS);

		assertThat(text).isEqualTo("[7,\"2026-11-21T10:15:30.123456Z\",\"auditor1\",\"RECORDING_PLAY\",\"RECORDING\",null,"
				+ "{\"range\":\"bytes=0-99\"},\"" + "0".repeat(64) + "\"]");
	}

	@Test
	void anyChangeChangesTheHash() {
		Instant at = Instant.parse("2026-11-21T10:15:30.123456Z");
		String detail = CanonicalJson.write(json.valueToTree(Map.of("range", "bytes=0-99")));
		String hash = AuditLog.hash(1, at, "a", "X", "RECORDING", "id", detail, AuditLog.GENESIS);

		assertThat(hash).hasSize(64).isEqualTo(AuditLog.hash(1, at, "a", "X", "RECORDING", "id", detail, AuditLog.GENESIS));
		assertThat(AuditLog.hash(2, at, "a", "X", "RECORDING", "id", detail, AuditLog.GENESIS)).isNotEqualTo(hash);
		assertThat(AuditLog.hash(1, at.plusNanos(1000), "a", "X", "RECORDING", "id", detail, AuditLog.GENESIS))
			.isNotEqualTo(hash);
		assertThat(AuditLog.hash(1, at, "a", "X", "RECORDING", null, detail, AuditLog.GENESIS)).isNotEqualTo(hash);
		assertThat(AuditLog.hash(1, at, "a", "X", "RECORDING", "id", "{}", AuditLog.GENESIS)).isNotEqualTo(hash);
	}

}
