package ackline.callback;

/** Where a call-back task is. */
public enum TaskState {

	/** Waiting in the queue (possibly for its next attempt time or calling window). */
	QUEUED,
	/** Offered to one agent, who previews it. */
	OFFERED,
	/** The agent's call is being set up. */
	DIALING,
	/** The client was reached and the call is up. */
	IN_CALL,
	/** The call ended; the agent records the disposition. */
	WRAP_UP,
	/** Worked: the disposition says the call-back is complete. */
	DONE,
	/** Given up: attempts exhausted, invalid number, or a final disposition; {@code failureReason} says why. */
	FAILED,
	/** Withdrawn by its creator. */
	CANCELLED;

	boolean isOpen() {
		return this != DONE && this != FAILED && this != CANCELLED;
	}

}
