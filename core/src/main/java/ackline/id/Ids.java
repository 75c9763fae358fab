package ackline.id;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.time.Clock;
import java.util.UUID;

/**
 * Identifiers: time-ordered UUIDs (version 7, RFC 9562) so new rows land at the end of their indexes,
 * and short human references that a client can read out on the phone.
 */
public final class Ids {

	private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

	private Ids() {
	}

	public static UUID newId() {
		return newId(Clock.systemUTC());
	}

	/**
	 * An id is not a secret (tokens are made elsewhere, from {@link SecureRandom}), so its random bits come
	 * from {@link ThreadLocalRandom}: no lock shared by every thread that creates rows.
	 */
	public static UUID newId(Clock clock) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long millis = clock.millis();
		long randA = random.nextInt(1 << 12);
		long msb = (millis << 16) | (0x7L << 12) | randA;
		long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
		return new UUID(msb, lsb);
	}

	/** Eight Crockford base-32 characters from the random part of an id: a reference such as {@code 7KQ2M9XD}. */
	public static String reference(UUID id) {
		long bits = id.getLeastSignificantBits() & 0xFF_FFFF_FFFFL;
		char[] out = new char[8];
		for (int i = 7; i >= 0; i--) {
			out[i] = CROCKFORD[(int) (bits & 31)];
			bits >>>= 5;
		}
		return new String(out);
	}

}
