package ackline.health;

import ackline.evidence.EvidenceProtection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The evidence store's health ({@code /actuator/health/evidenceStore}): what the start-up self-check found.
 * {@value #NOT_ENFORCING_CODE} when the bucket would let evidence be deleted or overwritten (Ackline started anyway
 * because {@code ackline.evidence.self-check=warn}); UNKNOWN when the check was off or could not reach the store. Without
 * object storage the bodies are in PostgreSQL, whose triggers refuse changes: UP.
 * <p>
 * {@value #NOT_ENFORCING_CODE} is a status of its own, not DOWN, so that a deployment can rank it: application.yml
 * puts it just below DOWN and answers it with 503 like DOWN; the local run, whose S3Mock never enforces, ranks it
 * below UP so the app's status stays UP while this component still says what it found.
 */
@Component("evidenceStore")
class EvidenceStoreHealthIndicator extends AbstractHealthIndicator {

	static final String NOT_ENFORCING_CODE = "NOT_ENFORCING";

	/** The store would let evidence be deleted or overwritten before its retention ends. */
	static final Status NOT_ENFORCING = new Status(NOT_ENFORCING_CODE,
			"the evidence store does not enforce Object Lock: evidence can be deleted or overwritten");

	private final ObjectProvider<EvidenceProtection> protection;

	EvidenceStoreHealthIndicator(ObjectProvider<EvidenceProtection> protection) {
		super("Evidence store health check failed");
		this.protection = protection;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		EvidenceProtection current = protection.getIfAvailable();
		if (current == null) {
			builder.up().withDetail("store", "PostgreSQL (ackline.s3.endpoint not set)");
			return;
		}
		switch (current.status()) {
			case ENFORCING -> builder.up();
			case NOT_ENFORCING -> builder.status(NOT_ENFORCING);
			case NOT_CHECKED -> builder.unknown();
		}
		builder.withDetail("store", current.store()).withDetail("protection", current.status().name());
		if (!current.findings().isEmpty()) {
			builder.withDetail("findings", current.findings());
		}
	}

}
