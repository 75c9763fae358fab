package ackline.api;

import java.util.UUID;

/**
 * An operation Ackline never performs on evidence (deleting it, shortening its retention); refused for every role and
 * audited.
 * @see EvidenceController
 */
class EvidenceRefused extends RuntimeException {

	private final String code;

	private final UUID id;

	EvidenceRefused(String code, UUID id, String message) {
		super(message);
		this.code = code;
		this.id = id;
	}

	String code() {
		return code;
	}

	UUID id() {
		return id;
	}

}
