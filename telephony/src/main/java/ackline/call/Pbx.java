package ackline.call;

import java.util.Set;
import java.util.UUID;

/**
 * The telephone exchange, as the dialer needs it. The production implementation speaks Asterisk's AMI and FastAGI
 * ({@code ackline.asterisk}); tests and the local run point it at the simulated PBX.
 *
 * <p>Progress is reported asynchronously to the {@link PbxListener}: every method returns once the PBX accepted the
 * request, never after the call.
 */
public interface Pbx {

	/**
	 * Rings the agent's endpoint; once the agent answers, the dialplan starts MixMonitor (before the client leg exists)
	 * and dials the client through the outbound trunk.
	 * @throws PbxUnavailableException when the AMI link is down or the PBX refused the action
	 */
	void dialForAgent(AgentDial dial);

	/**
	 * Dials the client with no agent; on answer the dialplan records the call and hands it to Ackline's FastAGI
	 * server, which plays the notice and asks for a key press ({@link IvrScript}).
	 * @throws PbxUnavailableException when the AMI link is down or the PBX refused the action
	 */
	void dialIvr(IvrDial dial);

	/** Hangs up every channel of the call still up; does nothing for a call the PBX no longer has. */
	void hangup(UUID callId);

	/**
	 * The calls the PBX has channels for right now (AMI CoreShowChannels), by Ackline call id.
	 * @throws PbxUnavailableException when the AMI link is down
	 */
	Set<UUID> activeCalls();

	/** Whether the AMI link is up and logged in. */
	boolean isConnected();

}
