package ackline.evidence.verify;

import java.util.List;
import java.util.UUID;

/**
 * What the dialer knows about calls that should have a recording and have none; the application wires it to the
 * telephony module, which owns calls (recordings does not read telephony's tables).
 */
@FunctionalInterface
public interface CallRecordings {

	/** How many calls lack their recording, with the ids of up to {@code limit} of the most recent. */
	Missing missing(int limit);

	/** Calls without their recording: how many, and some of them. */
	record Missing(long calls, List<UUID> callIds) {
	}

}
