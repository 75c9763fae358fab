package ackline.evidence;

import java.util.List;

/**
 * What the evidence store's start-up self-check found: whether the store really refuses to delete or overwrite
 * evidence before its retention ends (Object Lock and versioning on the bucket, and a locked canary that could not be
 * deleted, when that check is on).
 * @param store where bodies go, for operators ({@code s3://bucket at endpoint})
 * @param findings what is wrong, one sentence each; empty when enforcing
 */
public record EvidenceProtection(Status status, String store, List<String> findings) {

	public EvidenceProtection {
		findings = List.copyOf(findings);
	}

	/** The outcome of the self-check. */
	public enum Status {

		/** Object Lock and versioning are on (and the canary could not be deleted, when checked). */
		ENFORCING,
		/** The store would let evidence be deleted or overwritten. */
		NOT_ENFORCING,
		/** The self-check is off, or the store could not be reached to check it. */
		NOT_CHECKED

	}

}
