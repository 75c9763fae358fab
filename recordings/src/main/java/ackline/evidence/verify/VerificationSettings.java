package ackline.evidence.verify;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Integrity verification ({@code ackline.evidence.verification.*}).
 * @param interval time between scheduled runs (default 1 h); a node skips its run when another node started one
 * within half of it
 * @param initialDelay time from start-up to the first scheduled run (default 1 min)
 * @param sample how many objects a run re-reads (default 10,000): all of them while the store holds no more, else a
 * window that rotates through the store by id, run after run
 * @param enabled whether runs are scheduled at all (runs started through the API work either way)
 */
@ConfigurationProperties("ackline.evidence.verification")
record VerificationSettings(Duration interval, Duration initialDelay, Integer sample, Boolean enabled) {

	VerificationSettings {
		interval = interval == null ? Duration.ofHours(1) : interval;
		initialDelay = initialDelay == null ? Duration.ofMinutes(1) : initialDelay;
		sample = sample == null || sample <= 0 ? 10_000 : sample;
		enabled = enabled == null || enabled;
	}

}
