package ackline.evidence.verify;

import java.time.Instant;
import java.util.UUID;

/**
 * Verification found a piece of evidence that no longer matches what was stored (its SHA-256, its size, its
 * retention) or that cannot be read at all.
 * @param reason {@code MISMATCH}, {@code SIZE}, {@code NO_RETENTION}, {@code RETENTION_MISMATCH} (the object store
 * holds the object under no, a non-COMPLIANCE or a shorter retention than recorded), {@code LEGAL_HOLD_MISMATCH} (a
 * hold recorded but not on the object) or {@code MISSING}, then a colon and what was found
 */
public record EvidenceIntegrityFailed(UUID id, String reason, Instant at) {
}
