package ackline.evidence.verify;

import java.time.Clock;
import java.util.List;

import ackline.evidence.EvidenceStore;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Verification runs for tests and benchmarks outside this package: a verifier over a given store that re-reads up to
 * {@code sample} objects, run on the caller's thread as the schedule runs it.
 */
public final class Verifications {

	private Verifications() {
	}

	/** Runs one verification of up to {@code sample} objects now, on this thread, and returns it. */
	public static VerificationRun runNow(EvidenceStore store, JdbcClient jdbc, int sample) {
		EvidenceVerifier verifier = new EvidenceVerifier(store, jdbc, event -> {
		}, limit -> new CallRecordings.Missing(0, List.of()),
				new VerificationSettings(null, null, sample, false), Clock.systemUTC());
		verifier.scheduled();
		return verifier.lastFinished().orElseThrow(() -> new IllegalStateException("the verification did not run"));
	}

}
