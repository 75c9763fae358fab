package ackline.quality;

import java.time.Instant;
import java.util.UUID;

/**
 * What quality assurance publishes (through Spring's ApplicationEventPublisher, inside the transaction that made the
 * change, as the dialer's {@code CallbackEvents}). Consoles listen.
 */
public final class QualityEvents {

	private QualityEvents() {
	}

	/** A supervisor saved a scorecard (a new revision) for an agent's call. */
	public record ScorecardSaved(UUID callId, UUID taskId, String agentId, int total, int revision, String scoredBy,
			Instant at) {
	}

}
