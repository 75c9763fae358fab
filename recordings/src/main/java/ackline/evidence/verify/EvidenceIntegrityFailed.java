package ackline.evidence.verify;

import java.time.Instant;
import java.util.UUID;

/**
 * Verification found a piece of evidence that no longer matches what was stored (its SHA-256, its size, its
 * retention) or that cannot be read at all.
 * @param reason {@code MISMATCH}, {@code SIZE}, {@code NO_RETENTION} or {@code MISSING}, then a colon and what was found
 */
public record EvidenceIntegrityFailed(UUID id, String reason, Instant at) {
}
