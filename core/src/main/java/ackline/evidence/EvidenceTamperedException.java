package ackline.evidence;

import java.util.UUID;

/** A stored body no longer matches the SHA-256 recorded when it was stored. */
public class EvidenceTamperedException extends RuntimeException {

	public EvidenceTamperedException(UUID id, String expected, String actual) {
		super("evidence " + id + " does not match its SHA-256: expected " + expected + ", read " + actual);
	}

}
