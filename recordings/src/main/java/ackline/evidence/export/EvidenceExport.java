package ackline.evidence.export;

import java.time.Instant;
import java.util.UUID;

/**
 * An export and its progress: {@code done} of {@code total} objects written (total is null until it runs).
 * @param bundleSha256 SHA-256 of the zip, once DONE
 * @param error why it FAILED
 */
public record EvidenceExport(UUID id, ExportState state, String clientId, UUID noticeId, UUID taskId,
		String requestedBy, Instant createdAt, Instant startedAt, Instant finishedAt, Integer total, int done,
		Long bundleBytes, String bundleSha256, String error) {
}
