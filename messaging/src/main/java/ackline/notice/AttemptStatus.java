package ackline.notice;

import java.util.Locale;

/**
 * Where one channel's attempt stands. The rank only ever rises through provider reports, so a late or
 * out-of-order report never overwrites a later status, and a final status is never overwritten.
 */
public enum AttemptStatus {

	PENDING(0), RETRYING(0), SENDING(1), QUEUED(2), SENT(3), DELIVERED(4), UNDELIVERED(4), FAILED(4),
	/** Not sent because the client opted out and the notice is not regulatory (R-MSG-2). */
	SKIPPED(4);

	private final int rank;

	AttemptStatus(int rank) {
		this.rank = rank;
	}

	public int rank() {
		return rank;
	}

	public boolean isFinal() {
		return rank == 4;
	}

	/** Maps a Twilio message status (as in its status callbacks) to ours; null when it is not one we track. */
	public static AttemptStatus fromTwilio(String status) {
		if (status == null) {
			return null;
		}
		return switch (status.toLowerCase(Locale.ROOT)) {
			case "accepted", "scheduled", "queued", "sending" -> QUEUED;
			case "sent" -> SENT;
			case "delivered", "read" -> DELIVERED;
			case "undelivered" -> UNDELIVERED;
			case "failed", "canceled" -> FAILED;
			default -> null;
		};
	}

}
