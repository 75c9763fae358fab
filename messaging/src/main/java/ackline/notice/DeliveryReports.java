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
		List<Map<String, Object>> found = jdbc.sql("""
				select a.id, a.notice_id, a.provider_id, n.client_id from notice_attempt a join notice n on n.id = a.notice_id
				where (a.provider = ? and a.provider_id = ?) or (a.id = ? and a.provider_id is null)
				order by (a.provider_id is not null) desc limit 1""")
			.params(report.provider(), report.providerId(), report.attemptId() == null ? -1L : report.attemptId())
			.query()
			.listOfRows();
		Long attemptId = found.isEmpty() ? null : ((Number) found.get(0).get("id")).longValue();
		UUID noticeId = found.isEmpty() ? null : (UUID) found.get(0).get("notice_id");
		String clientId = found.isEmpty() ? null : (String) found.get(0).get("client_id");
		StoredEvidence stored = evidence.store(new NewEvidence(EvidenceKind.SMS_STATUS,
				"application/x-www-form-urlencoded", report.raw(), EvidenceLinks.notice(clientId, noticeId)));
		AttemptStatus status = AttemptStatus.fromTwilio(report.status());
		boolean applied = false;
		if (attemptId != null && status != null) {
			Timestamp ts = Timestamp.from(now);
			applied = jdbc.sql("""
					update notice_attempt
					set status = ?, status_rank = ?, provider = coalesce(provider, ?), provider_id = coalesce(provider_id, ?),
					    error_code = coalesce(?, error_code), updated_at = ?,
					    sent_at = case when ? >= 3 then coalesce(sent_at, ?) else sent_at end,
					    delivered_at = case when ? = 'DELIVERED' then ? else delivered_at end,
					    final_at = case when ? = 4 then ? else final_at end
					where id = ? and status_rank < ?""")
				.params(status.name(), status.rank(), report.provider(), report.providerId(), blankToNull(report.errorCode()),
						ts, status.rank(), ts, status.name(), ts, status.rank(), ts, attemptId, status.rank())
				.update() == 1;
		}
		jdbc.sql("""
				insert into delivery_report (attempt_id, provider, provider_id, status, error_code, applied, received_at, evidence_id)
				values (?, ?, ?, ?, ?, ?, ?, ?)""")
			.params(attemptId, report.provider(), report.providerId(), String.valueOf(report.status()),
					blankToNull(report.errorCode()), applied, Timestamp.from(now), stored.id())
			.update();
		if (noticeId != null) {
			store.event(noticeId, now, "DELIVERY_REPORT", NoticeStore.detail("providerId", report.providerId(), "status",
					report.status(), "errorCode", blankToNull(report.errorCode()), "applied", applied));
			if (applied) {
				store.refreshStatus(noticeId, now);
			}
		}
		return applied;
	}

	private static String blankToNull(String s) {
		return s == null || s.isBlank() ? null : s;
	}

}
