package ackline.evidence.export;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** The export's bundle was deleted after being kept for {@code keptFor}; the export itself stays, EXPIRED. */
public class ExportExpired extends RuntimeException {

	private final UUID id;

	private final Instant expiredAt;

	private final Duration keptFor;

	public ExportExpired(UUID id, Instant expiredAt, Duration keptFor) {
		super("the bundle of export " + id + " expired at " + expiredAt);
		this.id = id;
		this.expiredAt = expiredAt;
		this.keptFor = keptFor;
	}

	public UUID id() {
		return id;
	}

	public Instant expiredAt() {
		return expiredAt;
	}

	public Duration keptFor() {
		return keptFor;
	}

}
