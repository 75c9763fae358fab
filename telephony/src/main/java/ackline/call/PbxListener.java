package ackline.call;

import java.time.Instant;
import java.util.UUID;

/** Receives what the PBX reports. Implemented by the dialer; called from the adapter's threads. */
public interface PbxListener {

	/**
	 * One event of a call's timeline. Every app node connected to the PBX receives every event, so implementations
	 * must apply an event once however many times it arrives ({@link PbxEvent#key()}).
	 */
	void onEvent(PbxEvent event);

	/** The AMI link came up (after login) or went down. After it comes up, the dialer reconciles calls in flight. */
	void onConnectionChanged(boolean connected);

	/** The FastAGI script for an IVR call: what to play and ask. Null when the call is unknown (the script hangs up). */
	IvrScript ivrScript(UUID callId);

	/** The client pressed keys on an IVR call (the result of one GET DATA; empty when the prompt timed out). */
	void onDigits(UUID callId, String digits, Instant at);

}
