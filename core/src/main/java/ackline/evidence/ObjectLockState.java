package ackline.evidence;

import java.time.Instant;

/**
 * What the object store itself says about one stored object's protection, read back from it (not from the
 * catalogue): its Object Lock mode and retain-until, and whether a legal hold is on.
 * @param mode {@code COMPLIANCE}, {@code GOVERNANCE}, or null when the object has no retention at the store
 * @param retainUntil the retain-until date at the store, or null
 * @param legalHold whether the store reports a legal hold ON
 */
public record ObjectLockState(String mode, Instant retainUntil, boolean legalHold) {

	/** Whether the store reported no retention for the object at all. */
	public boolean noRetention() {
		return mode == null && retainUntil == null;
	}

}
