package ackline.notice;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.id.Ids;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Records an acknowledgement once per notice, whatever the channel; the first one wins. */
class Acknowledgements {

	private final JdbcClient jdbc;

	private final ApplicationEventPublisher events;

	Acknowledgements(JdbcClient jdbc, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	/** Returns true when this acknowledged the notice, false when it already was. Call inside a transaction. */
	boolean record(UUID noticeId, AckChannel channel, String text, UUID inboundId, String clientIp, String userAgent,
			UUID evidenceId, Instant now) {
		Timestamp ts = Timestamp.from(now);
		// One statement: lock the notice, keep the first acknowledgement only, mark the notice, write the history.
		List<Map<String, Object>> done = jdbc.sql("""
				with old as (select id, status, client_id, ack_deadline from notice where id = ? for update),
				ack as (
				    insert into acknowledgement (id, notice_id, channel, text, received_at, late, inbound_message_id,
				                                 client_ip, user_agent, evidence_id)
				    select ?::uuid, old.id, ?::text, ?::text, ?::timestamptz,
				           old.ack_deadline is not null and ?::timestamptz > old.ack_deadline, ?::uuid, ?::text, ?::text, ?::uuid
				    from old
				    on conflict (notice_id) do nothing
				    returning notice_id, late),
				marked as (
				    update notice n set status = 'ACKNOWLEDGED', acknowledged_at = ?::timestamptz, updated_at = ?::timestamptz
				    from ack where n.id = ack.notice_id returning n.id),
				history as (
				    insert into notice_event (notice_id, at, kind, detail)
				    select ack.notice_id, ?::timestamptz, 'ACKNOWLEDGED', jsonb_strip_nulls(jsonb_build_object('channel', ?::text,
				        'late', ack.late, 'evidenceId', ?::text, 'inboundId', ?::text))
				    from ack)
				select old.status, old.client_id, ack.late from old join ack on ack.notice_id = old.id""")
			.params(noticeId, Ids.newId(), channel.name(), text, ts, ts, inboundId, clientIp, userAgent, evidenceId,
					ts, ts, ts, channel.name(), evidenceId.toString(), inboundId == null ? null : inboundId.toString())
			.query()
			.listOfRows();
		if (done.isEmpty()) {
			return false;
		}
		NoticeStatus from = NoticeStatus.valueOf((String) done.get(0).get("status"));
		String clientId = (String) done.get(0).get("client_id");
		boolean late = Boolean.TRUE.equals(done.get(0).get("late"));
		events.publishEvent(new NoticeEvents.NoticeAcknowledged(noticeId, clientId, channel, late, now));
		events.publishEvent(new NoticeEvents.NoticeStatusChanged(noticeId, clientId, from, NoticeStatus.ACKNOWLEDGED, now));
		return true;
	}

}
