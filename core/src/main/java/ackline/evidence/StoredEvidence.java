package ackline.evidence;

import java.time.Instant;
import java.util.UUID;

/** Metadata of stored evidence; the body is read through {@link EvidenceStore#read(UUID)}. */
public record StoredEvidence(UUID id, EvidenceKind kind, String contentType, long size, String sha256,
		Instant storedAt, EvidenceLinks links) {
}
