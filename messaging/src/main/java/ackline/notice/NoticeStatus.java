package ackline.notice;

/** Where a notice stands, derived from its attempts and its acknowledgement. */
public enum NoticeStatus {

	/** Accepted, not yet handed to any provider. */
	PENDING,
	/** At least one channel handed to its provider. */
	SENT,
	/** At least one channel reported delivered. */
	DELIVERED,
	/** The client acknowledged it (知晓确认). */
	ACKNOWLEDGED,
	/** Every channel failed. */
	FAILED,
	/** An acknowledgement was required and none came by the deadline. */
	EXPIRED

}
