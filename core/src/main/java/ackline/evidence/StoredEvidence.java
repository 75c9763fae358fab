package ackline.evidence;

import java.time.Instant;
import java.util.UUID;

/**
 * Metadata of stored evidence; the body is read through {@link EvidenceStore#read(UUID)}.
 * @param retainUntil nobody may delete or overwrite it before then (null for evidence stored before retention was
 * recorded)
 * @param legalHold kept beyond its retention while a legal hold is on
 */
public record StoredEvidence(UUID id, EvidenceKind kind, String contentType, long size, String sha256,
		Instant storedAt, EvidenceLinks links, Instant retainUntil, boolean legalHold) {
}
