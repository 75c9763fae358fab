package ackline.notice;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceStore;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies delivery reports to attempts. Reports arrive late, twice or out of order: each is kept as
 * evidence, but an attempt's status only moves up ({@link AttemptStatus#rank()}), so a final status is
 * never overwritten by an earlier one.
 */
public class DeliveryReports {

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final NoticeStore store;

	private final EvidenceStore evidence;

	private final Clock clock;

	private final MeterRegistry meters;

	DeliveryReports(JdbcClient jdbc, TransactionTemplate tx, NoticeStore store, EvidenceStore evidence, Clock clock,
			MeterRegistry meters) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.store = store;
		this.evidence = evidence;
		this.clock = clock;
		this.meters = meters;
	}

	/** Records the report; returns true when it moved the attempt's status. */
	public boolean apply(SmsStatusReported report) {
		boolean applied = Boolean.TRUE.equals(tx.execute(s -> applyInTransaction(report)));
		meters.counter("ackline.sms.status", "status", String.valueOf(report.status()), "applied",
				String.valueOf(applied)).increment();
		return applied;
	}

	private boolean applyInTransaction(SmsStatusReported report) {
		Instant now = clock.instant();
		Timestamp ts = Timestamp.from(now);
		// Finds the attempt and locks its notice first, so the status derived below sees every attempt.
		List<Map<String, Object>> found = jdbc.sql("""
				select a.id, a.notice_id, n.client_id from notice_attempt a join notice n on n.id = a.notice_id
				where (a.provider = ? and a.provider_id = ?) or (a.id = ? and a.provider_id is null)
				order by (a.provider_id is not null) desc limit 1
				for update of n""")
			.params(report.provider(), report.providerId(), report.attemptId() == null ? -1L : report.attemptId())
			.query()
			.listOfRows();
		Long attemptId = found.isEmpty() ? null : ((Number) found.get(0).get("id")).longValue();
		UUID noticeId = found.isEmpty() ? null : (UUID) found.get(0).get("notice_id");
		String clientId = found.isEmpty() ? null : (String) found.get(0).get("client_id");
		StoredEvidence stored = evidence.store(new NewEvidence(EvidenceKind.SMS_STATUS,
				"application/x-www-form-urlencoded", report.raw(), EvidenceLinks.notice(clientId, noticeId)));
		AttemptStatus status = AttemptStatus.fromTwilio(report.status());
		String errorCode = blankToNull(report.errorCode());
		int rank = status == null ? -1 : status.rank();
		String name = status == null ? null : status.name();
		// One statement: move the attempt (only ever up), keep the report, write the history.
		boolean applied = Boolean.TRUE.equals(jdbc.sql("""
				with moved as (
				    update notice_attempt
				    set status = ?, status_rank = ?, provider = coalesce(provider, ?::text), provider_id = coalesce(provider_id, ?::text),
				        error_code = coalesce(?::text, error_code), updated_at = ?,
				        sent_at = case when ?::int >= 3 then coalesce(sent_at, ?::timestamptz) else sent_at end,
				        delivered_at = case when ?::text = 'DELIVERED' then ?::timestamptz else delivered_at end,
				        final_at = case when ?::int = 4 then ?::timestamptz else final_at end
				    where id = ? and status_rank < ? and ?::text is not null
				    returning id),
				report as (
				    insert into delivery_report (attempt_id, provider, provider_id, status, error_code, applied, received_at, evidence_id)
				    select ?::bigint, ?::text, ?::text, ?::text, ?::text, exists (select 1 from moved), ?::timestamptz, ?::uuid),
				history as (
				    insert into notice_event (notice_id, at, kind, detail)
				    select ?::uuid, ?::timestamptz, 'DELIVERY_REPORT', jsonb_strip_nulls(jsonb_build_object('providerId', ?::text, 'status', ?::text,
				        'errorCode', ?::text, 'applied', exists (select 1 from moved)))
				    where ?::uuid is not null)
				select exists (select 1 from moved)""")
			.params(name, rank, report.provider(), report.providerId(), errorCode, ts, rank, ts, name, ts, rank, ts,
					attemptId, rank, name,
					attemptId, report.provider(), report.providerId(), String.valueOf(report.status()), errorCode, ts,
					stored.id(),
					noticeId, ts, report.providerId(), report.status(), errorCode, noticeId)
			.query(Boolean.class)
			.single());
		// QUEUED and SENT make the same notice status (SENT): only a final report can change it.
		if (applied && status.isFinal()) {
			store.refreshStatus(noticeId, now);
		}
		return applied;
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s;
	}

}
