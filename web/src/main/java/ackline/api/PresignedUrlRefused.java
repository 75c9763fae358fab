package ackline.api;

import java.util.UUID;

/** No presigned URL for a recording: they are switched off, or its body is not in object storage (yet). */
class PresignedUrlRefused extends RuntimeException {

	private final UUID id;

	private final boolean disabled;

	PresignedUrlRefused(UUID id, boolean disabled) {
		super(disabled ? "presigned URLs are disabled" : "no presigned URL for " + id);
		this.id = id;
		this.disabled = disabled;
	}

	UUID id() {
		return id;
	}

	boolean disabled() {
		return disabled;
	}

}
