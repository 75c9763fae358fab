package ackline.notice;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import ackline.evidence.Sha256;

/** One-time acknowledgement link tokens: 128 random bits, looked up by their SHA-256. */
final class AckTokens {

	private static final SecureRandom random = new SecureRandom();

	private AckTokens() {
	}

	static String newToken() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String hash(String token) {
		return sha256Hex(token.getBytes(StandardCharsets.US_ASCII));
	}

	static String sha256Hex(byte[] bytes) {
		return Sha256.hex(bytes);
	}

	/** Tokens are 22 URL-safe base-64 characters; anything else is not worth a database look-up. */
	static boolean plausible(String token) {
		return token != null && token.length() == 22 && token.chars()
			.allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '-' || c == '_');
	}

}
