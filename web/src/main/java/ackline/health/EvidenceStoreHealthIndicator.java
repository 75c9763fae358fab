package ackline.health;

import ackline.evidence.EvidenceProtection;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * The evidence store's health ({@code /actuator/health/evidenceStore}): what the start-up self-check found. DOWN with
 * {@code NOT_ENFORCING} when the bucket would let evidence be deleted or overwritten (Ackline started anyway because
 * {@code ackline.evidence.self-check=warn}); UNKNOWN when the check was off or could not reach the store. Without object
 * storage the bodies are in PostgreSQL, whose triggers refuse changes: UP.
 */
@Component("evidenceStore")
class EvidenceStoreHealthIndicator extends AbstractHealthIndicator {

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
			case NOT_ENFORCING -> builder.down();
			case NOT_CHECKED -> builder.unknown();
		}
		builder.withDetail("store", current.store()).withDetail("protection", current.status().name());
		if (!current.findings().isEmpty()) {
			builder.withDetail("findings", current.findings());
		}
	}

}
