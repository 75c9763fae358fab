package ackline.call;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * An automated call to a client, with no agent: plays a notice and asks the client to press a key.
 * @param callId Ackline's id, set on the channel and passed to the FastAGI script
 * @param clientNumber the client's number in E.164
 * @param callerId caller id presented to the client, may be null
 * @param recordingFile the recording's file name relative to the PBX's monitor spool
 * @param ringTimeout how long the client's phone rings
 */
public record IvrDial(UUID callId, String clientNumber, String callerId, String recordingFile, Duration ringTimeout) {

	public IvrDial {
		Objects.requireNonNull(callId, "callId");
		Objects.requireNonNull(clientNumber, "clientNumber");
		Objects.requireNonNull(recordingFile, "recordingFile");
		Objects.requireNonNull(ringTimeout, "ringTimeout");
	}

}
