package ackline.pbx;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One simulated phone on a call: the agent's endpoint or the client's number, with the script it follows and the
 * state the simulator page shows.
 */
final class Phone {

	/** Which side of the call the phone is on. */
	enum Role {

		AGENT, CLIENT

	}

	final String party;

	final Role role;

	final CallScript script;

	final CallFlow call;

	private final Deque<CallScript.Press> presses;

	private final StringBuilder digits = new StringBuilder();

	private volatile SimulatedPbx.PhoneCall.State state;

	private volatile Instant since = Instant.now();

	volatile Channel channel;

	private final AtomicBoolean listedEnded = new AtomicBoolean();

	volatile long answeredNanos;

	Phone(String party, Role role, CallScript script, CallFlow call) {
		this.party = party;
		this.role = role;
		this.script = script;
		this.call = call;
		this.presses = new ArrayDeque<>(script.presses());
	}

	synchronized CallScript.Press nextPress() {
		return this.presses.poll();
	}

	void state(SimulatedPbx.PhoneCall.State state) {
		this.state = state;
		this.since = Instant.now();
	}

	SimulatedPbx.PhoneCall.State state() {
		return this.state;
	}

	Instant since() {
		return this.since;
	}

	/** True the first time only: the ended phone goes on the simulator page's list once. */
	boolean listEnded() {
		return this.listedEnded.compareAndSet(false, true);
	}

	boolean active() {
		SimulatedPbx.PhoneCall.State current = this.state;
		return current == SimulatedPbx.PhoneCall.State.RINGING || current == SimulatedPbx.PhoneCall.State.UP;
	}

	synchronized void pressed(String keys) {
		this.digits.append(keys);
	}

	SimulatedPbx.PhoneCall view() {
		String digitsPressed;
		synchronized (this) {
			digitsPressed = this.digits.toString();
		}
		return new SimulatedPbx.PhoneCall(callId(this.call.callId()), this.party, this.state, this.since,
				this.call.kind(), digitsPressed);
	}

	private static UUID callId(String value) {
		try {
			return value == null || value.isEmpty() ? null : UUID.fromString(value);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
