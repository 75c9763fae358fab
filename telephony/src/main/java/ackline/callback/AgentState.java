package ackline.callback;

/** An agent's state in the call-back queue; the server owns it, consoles only show and ask. */
public enum AgentState {

	/** Not signed in to the queue. */
	OFFLINE,
	/** Ready for the next task. */
	AVAILABLE,
	/** On a call (dialling, ringing or talking). */
	ON_CALL,
	/** After a call: recording the disposition, with a timer. */
	WRAP_UP,
	/** Away, with a reason. */
	PAUSED

}
