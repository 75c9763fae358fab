package ackline.call;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * A call an agent makes to a client: the agent's endpoint rings first, then the client.
 * @param callId Ackline's id, set on the channels (inherited by the client leg) and used to match every event
 * @param agentEndpoint the agent's endpoint name, e.g. {@code agent1} (the adapter turns it into a channel)
 * @param clientNumber the client's number in E.164, e.g. {@code +8613900139001}
 * @param callerId caller id presented to the client, may be null for the trunk's default
 * @param recordingFile the recording's file name relative to the PBX's monitor spool, e.g.
 * {@code ackline/2026/11/21/<callId>.wav}
 * @param agentRingTimeout how long the agent's endpoint rings
 * @param clientRingTimeout how long the client's phone rings
 */
public record AgentDial(UUID callId, String agentEndpoint, String clientNumber, String callerId,
		String recordingFile, Duration agentRingTimeout, Duration clientRingTimeout) {

	public AgentDial {
		Objects.requireNonNull(callId, "callId");
		Objects.requireNonNull(agentEndpoint, "agentEndpoint");
		Objects.requireNonNull(clientNumber, "clientNumber");
		Objects.requireNonNull(recordingFile, "recordingFile");
		Objects.requireNonNull(agentRingTimeout, "agentRingTimeout");
		Objects.requireNonNull(clientRingTimeout, "clientRingTimeout");
	}

}
