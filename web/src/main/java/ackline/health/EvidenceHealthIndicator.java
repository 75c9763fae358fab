package ackline.health;

import java.util.List;

import ackline.evidence.verify.EvidenceVerifier;
import ackline.evidence.verify.VerificationRun;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * The evidence store's integrity ({@code /actuator/health/evidence}), from the last finished verification run: DOWN
 * when it found an object that no longer matches its SHA-256, size or retention, or that cannot be read, with those
 * objects as details; calls without their recording as a warning. UNKNOWN until the first run has finished.
 */
@Component("evidence")
class EvidenceHealthIndicator extends AbstractHealthIndicator {

	/** Failures shown in the health details (the run in the API has them all). */
	private static final int SHOWN = 20;

	private final EvidenceVerifier verifier;

	EvidenceHealthIndicator(EvidenceVerifier verifier) {
		super("Evidence health check failed");
		this.verifier = verifier;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		VerificationRun run = verifier.lastFinished().orElse(null);
		if (run == null) {
			builder.unknown().withDetail("verification", "no verification run has finished yet");
			return;
		}
		if (run.failed()) {
			builder.down()
				.withDetail("error", (run.mismatches() + run.missing()) + " evidence object(s) failed verification");
			List<?> failures = (List<?>) run.details().getOrDefault("failures", List.of());
			builder.withDetail("failures", failures.subList(0, Math.min(SHOWN, failures.size())));
		}
		else {
			builder.up();
		}
		builder.withDetail("lastRun", run.id())
			.withDetail("startedAt", run.startedAt())
			.withDetail("finishedAt", run.finishedAt())
			.withDetail("checked", run.checked())
			.withDetail("mismatches", run.mismatches())
			.withDetail("missing", run.missing());
		Object calls = run.details().get("callsMissingRecording");
		builder.withDetail("callsMissingRecording", calls == null ? 0 : calls);
		if (calls instanceof Number n && n.longValue() > 0) {
			builder.withDetail("warning", n + " call(s) have no recording although they should");
		}
	}

}
