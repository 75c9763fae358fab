package ackline.notice;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Records an acknowledgement once per notice, whatever the channel; the first one wins. */
class Acknowledgements {

	private final JdbcClient jdbc;

	private final NoticeStore store;

	private final ApplicationEventPublisher events;

	Acknowledgements(JdbcClient jdbc, NoticeStore store, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.store = store;
		this.events = events;
	}

	/** Returns true when this acknowledged the notice, false when it already was. Call inside a transaction. */
	boolean record(UUID noticeId, AckChannel channel, String text, UUID inboundId, String clientIp, String userAgent,
			UUID evidenceId, Instant now) {
		List<Map<String, Object>> notice = jdbc
			.sql("select status, client_id, ack_deadline from notice where id = ? for update")
			.param(noticeId)
			.query()
			.listOfRows();
		if (notice.isEmpty()) {
			return false;
		}
		Timestamp deadline = (Timestamp) notice.get(0).get("ack_deadline");
		boolean late = deadline != null && now.isAfter(deadline.toInstant());
		int inserted = jdbc.sql("""
				insert into acknowledgement (id, notice_id, channel, text, received_at, late, inbound_message_id,
				                             client_ip, user_agent, evidence_id)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (notice_id) do nothing""")
			.params(UUID.randomUUID(), noticeId, channel.name(), text, Timestamp.from(now), late, inboundId, clientIp,
					userAgent, evidenceId)
			.update();
		if (inserted == 0) {
			return false;
		}
		NoticeStatus from = NoticeStatus.valueOf((String) notice.get(0).get("status"));
		String clientId = (String) notice.get(0).get("client_id");
		jdbc.sql("update notice set status = 'ACKNOWLEDGED', acknowledged_at = ?, updated_at = ? where id = ?")
			.params(Timestamp.from(now), Timestamp.from(now), noticeId)
			.update();
		store.event(noticeId, now, "ACKNOWLEDGED", NoticeStore.detail("channel", channel.name(), "late", late,
				"evidenceId", evidenceId.toString(), "inboundId", inboundId == null ? null : inboundId.toString()));
		events.publishEvent(new NoticeEvents.NoticeAcknowledged(noticeId, clientId, channel, late, now));
		events.publishEvent(new NoticeEvents.NoticeStatusChanged(noticeId, clientId, from, NoticeStatus.ACKNOWLEDGED, now));
		return true;
	}

}
