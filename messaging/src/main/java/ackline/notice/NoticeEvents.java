package ackline.notice;

import java.time.Instant;
import java.util.UUID;

/** Events the notice hub publishes after its changes commit; consoles and workflows listen. */
public final class NoticeEvents {

	private NoticeEvents() {
	}

	/** A notice's status moved. */
	public record NoticeStatusChanged(UUID noticeId, String clientId, NoticeStatus from, NoticeStatus to, Instant at) {
	}

	/** A client acknowledged a notice (知晓确认). */
	public record NoticeAcknowledged(UUID noticeId, String clientId, AckChannel channel, boolean late, Instant at) {
	}

	/** A reply that is not an acknowledgement (a question, a complaint) or came from nobody we know. */
	public record ReplyNeedsAttention(UUID inboundId, AckChannel channel, UUID noticeId, Instant at) {
	}

	/** A client opted out of messages (STOP, 退订). */
	public record ClientOptedOut(String address, AckChannel channel, Instant at) {
	}

}
