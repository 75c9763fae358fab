package ackline.evidence.verify;

import java.time.Clock;
import java.util.List;

import ackline.evidence.EvidenceProtection;
import ackline.evidence.EvidenceStore;

import org.springframework.context.ApplicationEventPublisher;
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
		return runNow(store, jdbc, sample, null, event -> {
		});
	}

	/**
	 * The same, for a store whose self-check found {@code protection} (null: checked strictly), publishing what it
	 * finds to {@code events}.
	 */
	public static VerificationRun runNow(EvidenceStore store, JdbcClient jdbc, int sample,
			EvidenceProtection protection, ApplicationEventPublisher events) {
		EvidenceVerifier verifier = new EvidenceVerifier(store, jdbc, events,
				limit -> new CallRecordings.Missing(0, List.of()),
				new VerificationSettings(null, null, sample, false), Clock.systemUTC(), protection);
		verifier.scheduled();
		return verifier.lastFinished().orElseThrow(() -> new IllegalStateException("the verification did not run"));
	}

}
