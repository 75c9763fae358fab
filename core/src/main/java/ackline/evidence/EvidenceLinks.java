package ackline.evidence;

import java.util.UUID;

/** What a piece of evidence belongs to; any part may be null. */
public record EvidenceLinks(String clientId, UUID noticeId, UUID taskId, UUID callId, String agentId) {

	public static EvidenceLinks none() {
		return new EvidenceLinks(null, null, null, null, null);
	}

	public static EvidenceLinks notice(String clientId, UUID noticeId) {
		return new EvidenceLinks(clientId, noticeId, null, null, null);
	}

}
