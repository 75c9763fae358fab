package ackline.notice;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The notice hub's SQL for attempts, statuses and history, shared by its workers and handlers. */
class NoticeStore {

	private final JdbcClient jdbc;

	private final JdbcTemplate jdbcTemplate;

	private final ApplicationEventPublisher events;

	private final JsonMapper json = JsonMapper.builder().build();

	NoticeStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, ApplicationEventPublisher events) {
		this.jdbc = jdbc;
		this.jdbcTemplate = jdbcTemplate;
		this.events = events;
	}

	/** Claims due attempts for this worker; only rows still waiting are claimed, so a duplicate queue entry is a no-op. */
	List<Claimed> claim(List<Long> ids, String worker, Instant now) {
		if (ids.isEmpty()) {
			return List.of();
		}
		Timestamp ts = Timestamp.from(now);
		return jdbc.sql("""
				update notice_attempt a
				set status = 'SENDING', status_rank = 1, claimed_at = ?, claimed_by = ?, tries = a.tries + 1, updated_at = ?
				from notice n
				where n.id = a.notice_id and a.id = any(?) and a.status in ('PENDING', 'RETRYING')
				  and a.next_attempt_at <= ?
				returning a.id, a.notice_id, n.client_id, a.channel, a.destination, a.subject, a.body, a.html_body, a.tries""")
			.params(ts, worker, ts, ids.toArray(Long[]::new), ts)
			.query((rs, n) -> new Claimed(rs.getLong("id"), rs.getObject("notice_id", UUID.class),
					rs.getString("client_id"), Channel.valueOf(rs.getString("channel")), rs.getString("destination"),
					rs.getString("subject"), rs.getString("body"), rs.getString("html_body"), rs.getInt("tries")))
			.list();
	}

	/**
	 * Providers took these messages. Never lowers a status a fast delivery report may already have raised.
	 * Notices are locked in id order (no deadlock with another worker's batch), each attempt is updated with
	 * its history in one statement, and the notices' statuses follow in one more.
	 */
	void accepted(List<Handover> handovers, Instant now) {
		if (handovers.isEmpty()) {
			return;
		}
		Timestamp ts = Timestamp.from(now);
		List<Handover> ordered = handovers.stream().sorted(java.util.Comparator.comparing(h -> h.attempt().noticeId())).toList();
		List<Object[]> rows = new java.util.ArrayList<>();
		for (Handover h : ordered) {
			AttemptStatus status = h.status();
			rows.add(new Object[] { h.attempt().noticeId(), h.provider(), h.providerId(), ts, h.evidenceId(), ts,
					status.rank(), status.name(), status.rank(), status.name(), ts, h.attempt().id(), ts,
					toJson(Map.of("channel", h.attempt().channel().name(), "provider", h.provider(), "providerId",
							h.providerId(), "try", h.attempt().tries())) });
		}
		jdbcTemplate.batchUpdate("""
				with locked as (select id from notice where id = ? for update),
				changed as (
				    update notice_attempt
				    set provider = ?, provider_id = ?, accepted_at = ?, send_evidence_id = ?, updated_at = ?,
				        status = case when status_rank < ? then ? else status end,
				        status_rank = greatest(status_rank, ?),
				        sent_at = case when ? = 'SENT' then coalesce(sent_at, ?) else sent_at end,
				        error_code = null, error_message = null
				    where id = ? and exists (select 1 from locked)
				    returning notice_id)
				insert into notice_event (notice_id, at, kind, detail)
				select notice_id, ?::timestamptz, 'HANDED_TO_PROVIDER', ?::jsonb from changed""", rows);
		refreshStatuses(ordered.stream().map(h -> h.attempt().noticeId()).distinct().toList(), now);
	}

	/** One attempt the provider took, with the evidence of its answer already stored. */
	record Handover(Claimed attempt, String provider, String providerId, AttemptStatus status, UUID evidenceId) {
	}

	void retry(Claimed attempt, String code, String message, Instant next, Instant now) {
		jdbc.sql("""
				with changed as (
				    update notice_attempt
				    set status = 'RETRYING', status_rank = 0, next_attempt_at = ?, enqueued_at = null, claimed_at = null,
				        error_code = ?, error_message = ?, updated_at = ?
				    where id = ? and status = 'SENDING'
				    returning notice_id)
				insert into notice_event (notice_id, at, kind, detail)
				select notice_id, ?::timestamptz, 'RETRY_SCHEDULED', ?::jsonb from changed""")
			.params(Timestamp.from(next), code, message, Timestamp.from(now), attempt.id(), Timestamp.from(now),
					toJson(detail("channel", attempt.channel().name(), "try", attempt.tries(), "errorCode", code,
							"error", message, "nextAttemptAt", next.toString())))
			.update();
	}

	void failed(Claimed attempt, String code, String message, Instant now) {
		Timestamp ts = Timestamp.from(now);
		jdbc.sql("""
				with locked as (select id from notice where id = ? for update),
				changed as (
				    update notice_attempt
				    set status = 'FAILED', status_rank = 4, claimed_at = null, error_code = ?, error_message = ?,
				        final_at = ?, updated_at = ?
				    where id = ? and status = 'SENDING' and exists (select 1 from locked)
				    returning notice_id)
				insert into notice_event (notice_id, at, kind, detail)
				select notice_id, ?::timestamptz, 'ATTEMPT_FAILED', ?::jsonb from changed""")
			.params(attempt.noticeId(), code, message, ts, ts, attempt.id(), ts, toJson(detail("channel",
					attempt.channel().name(), "try", attempt.tries(), "errorCode", code, "error", message)))
			.update();
		refreshStatus(attempt.noticeId(), now);
	}

	/**
	 * Derives the notice's status from its attempts; ACKNOWLEDGED and EXPIRED are set elsewhere and kept.
	 * Records the change in the history and publishes it. The caller's transaction must already hold the
	 * notice's row lock (taken before its attempt changed), so this statement sees every attempt as
	 * committed by others: two channels failing at once still make the notice FAILED.
	 */
	Optional<NoticeStatus> refreshStatus(UUID noticeId, Instant now) {
		return Optional.ofNullable(refreshStatuses(List.of(noticeId), now).get(noticeId));
	}

	/** {@link #refreshStatus} for several notices in one statement; returns the new status of those that changed. */
	Map<UUID, NoticeStatus> refreshStatuses(List<UUID> noticeIds, Instant now) {
		Timestamp ts = Timestamp.from(now);
		UUID[] ids = noticeIds.toArray(UUID[]::new);
		List<Map<String, Object>> rows = jdbc.sql("""
				with derived as (
				    select notice_id, case
				        when bool_or(status = 'DELIVERED') then 'DELIVERED'
				        when bool_or(status in ('QUEUED', 'SENT')) then 'SENT'
				        when bool_and(status in ('FAILED', 'UNDELIVERED', 'SKIPPED')) then 'FAILED'
				        else 'PENDING' end as status
				    from notice_attempt where notice_id = any(?) group by notice_id),
				old as (select id, status, client_id from notice where id = any(?) order by id for update),
				changed as (
				    update notice n set status = d.status, updated_at = ?
				    from derived d, old o
				    where n.id = d.notice_id and o.id = n.id and n.status not in ('ACKNOWLEDGED', 'EXPIRED')
				      and n.status <> d.status
				    returning n.id, o.status as old_status, n.status as new_status, n.client_id),
				history as (
				    insert into notice_event (notice_id, at, kind, detail)
				    select id, ?::timestamptz, 'STATUS_CHANGED', jsonb_build_object('from', old_status, 'to', new_status)
				    from changed)
				select id, old_status, new_status, client_id from changed""")
			.params(ids, ids, ts, ts)
			.query()
			.listOfRows();
		Map<UUID, NoticeStatus> changed = new java.util.HashMap<>();
		for (Map<String, Object> row : rows) {
			UUID id = (UUID) row.get("id");
			NoticeStatus from = NoticeStatus.valueOf((String) row.get("old_status"));
			NoticeStatus to = NoticeStatus.valueOf((String) row.get("new_status"));
			changed.put(id, to);
			events.publishEvent(new NoticeEvents.NoticeStatusChanged(id, (String) row.get("client_id"), from, to, now));
		}
		return changed;
	}

	void event(UUID noticeId, Instant at, String kind, Map<String, ?> detail) {
		jdbc.sql("insert into notice_event (notice_id, at, kind, detail) values (?, ?, ?, ?::jsonb)")
			.params(noticeId, Timestamp.from(at), kind, json.writeValueAsString(detail))
			.update();
	}

	/** A map that, unlike {@link Map#of}, accepts null values (an error code may be absent). */
	static Map<String, Object> detail(Object... keysAndValues) {
		Map<String, Object> map = new java.util.LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			if (keysAndValues[i + 1] != null) {
				map.put((String) keysAndValues[i], keysAndValues[i + 1]);
			}
		}
		return map;
	}

	String toJson(Object value) {
		return json.writeValueAsString(value);
	}

	/** An attempt this worker now owns. */
	record Claimed(long id, UUID noticeId, String clientId, Channel channel, String destination, String subject,
			String body, String htmlBody, int tries) {
	}

}
