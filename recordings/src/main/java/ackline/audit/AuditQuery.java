package ackline.audit;

import java.time.Instant;

/**
 * Which audit entries to list; a null filter matches everything.
 * @param from entries at or after this instant
 * @param to entries before this instant
 * @param limit at most this many (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT})
 */
public record AuditQuery(String objectId, String actor, String action, Instant from, Instant to, Integer limit) {

	public static final int DEFAULT_LIMIT = 500;

	public static final int MAX_LIMIT = 10_000;

	public AuditQuery {
		limit = limit == null || limit <= 0 ? DEFAULT_LIMIT : Math.min(limit, MAX_LIMIT);
	}

	/** Every entry about one object (its chain of custody). */
	public static AuditQuery forObject(String objectId) {
		return new AuditQuery(objectId, null, null, null, null, MAX_LIMIT);
	}

}
