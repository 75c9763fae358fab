package ackline.asterisk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off between reconnection attempts: {@code min}, doubled after every failure, never above
 * {@code max}, shortened by up to a fifth at random so that app nodes cut off together do not reconnect in step.
 */
record Backoff(Duration min, Duration max) {

	/** The pause before attempt number {@code failures + 1}, after {@code failures} failed attempts (at least 1). */
	Duration delay(int failures) {
		Duration delay = ceiling(failures);
		long jitter = ThreadLocalRandom.current().nextLong(delay.toMillis() / 5 + 1);
		return delay.minusMillis(jitter);
	}

	/** The pause before jitter. */
	Duration ceiling(int failures) {
		int doublings = Math.max(0, Math.min(failures - 1, 30));
		Duration delay = min.multipliedBy(1L << doublings);
		return delay.compareTo(max) > 0 || delay.isNegative() ? max : delay;
	}

}
