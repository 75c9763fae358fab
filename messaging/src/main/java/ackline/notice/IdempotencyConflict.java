package ackline.notice;

import java.util.UUID;

/** An idempotency key reused for a different notice: refused, so a retry never changes what was sent. */
public class IdempotencyConflict extends RuntimeException {

	private final UUID existing;

	public IdempotencyConflict(String key, UUID existing) {
		super("idempotencyKey '" + key + "' was already used for notice " + existing + " with a different request");
		this.existing = existing;
	}

	public UUID existing() {
		return existing;
	}

}
