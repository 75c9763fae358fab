package ackline.api;

import java.util.UUID;

/** No recording or evidence with this id, or none the caller may see (an agent asking for another's call). */
class EvidenceNotFound extends RuntimeException {

	private final UUID id;

	EvidenceNotFound(UUID id) {
		super("no evidence " + id);
		this.id = id;
	}

	UUID id() {
		return id;
	}

}
