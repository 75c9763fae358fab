package ackline.notice;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import ackline.queue.WorkQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes PostgreSQL's truth happen, on every node, every few seconds: queues attempts that are due but
 * not on the queue (the process died between commit and enqueue, Redis was flushed, a retry came due),
 * recovers attempts whose worker died mid-send without sending them twice, asks the provider about SMS
 * whose delivery report never came, and expires notices whose acknowledgement deadline passed.
 */
public class NoticeReconciler {

	private static final Logger log = LoggerFactory.getLogger(NoticeReconciler.class);

	private static final int PAGE = 5000;

	private final JdbcClient jdbc;

	private final TransactionTemplate tx;

	private final WorkQueue queue;

	private final NoticeStore store;

	private final NoticeDispatcher dispatcher;

	private final SmsGateway sms;

	private final NoticeSettings settings;

	private final Clock clock;

	private final ApplicationEventPublisher events;

	private final DeliveryReports deliveryReports;

	NoticeReconciler(JdbcClient jdbc, TransactionTemplate tx, WorkQueue queue, NoticeStore store,
			NoticeDispatcher dispatcher, SmsGateway sms, NoticeSettings settings, Clock clock,
			ApplicationEventPublisher events, DeliveryReports deliveryReports) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.queue = queue;
		this.store = store;
		this.dispatcher = dispatcher;
		this.sms = sms;
		this.settings = settings;
		this.clock = clock;
		this.events = events;
		this.deliveryReports = deliveryReports;
	}

	@Scheduled(fixedDelayString = "${ackline.notices.reconcile-interval:2s}", initialDelayString = "1s")
	public void run() {
		try {
			requeue();
		}
		catch (RuntimeException ex) {
			log.warn("Re-queueing due notice attempts failed, will try again: {}", ex.toString());
		}
		try {
			recoverStale();
		}
		catch (RuntimeException ex) {
			log.warn("Recovering stale notice attempts failed, will try again: {}", ex.toString());
		}
		try {
			pollUnfinished();
		}
		catch (RuntimeException ex) {
			log.warn("Asking the provider about unfinished SMS failed, will try again: {}", ex.toString());
		}
		try {
			expire();
		}
		catch (RuntimeException ex) {
			log.warn("Expiring notices failed, will try again: {}", ex.toString());
		}
	}

	/** Queues every due attempt that is not known to be on the queue; returns how many. */
	public int requeue() {
		boolean lost = queue.lostSinceLastCheck();
		int total = 0;
		while (true) {
			Instant now = clock.instant();
			Timestamp stale = Timestamp.from(now.minus(settings.requeueAfter()));
			List<Map<String, Object>> rows = jdbc.sql("""
					update notice_attempt set enqueued_at = ?
					where id in (
					    select id from notice_attempt
					    where status in ('PENDING', 'RETRYING') and next_attempt_at <= ?
					      and (? or enqueued_at is null or enqueued_at < ?)
					    order by next_attempt_at
					    limit ? for update skip locked)
					returning id, channel""")
				.params(Timestamp.from(now), Timestamp.from(now), lost, stale, PAGE)
				.query()
				.listOfRows();
			if (rows.isEmpty()) {
				break;
			}
			Map<String, List<String>> byQueue = new HashMap<>();
			for (Map<String, Object> row : rows) {
				byQueue.computeIfAbsent(NoticeDispatcher.queueName((String) row.get("channel")), k -> new ArrayList<>())
					.add(String.valueOf(row.get("id")));
			}
			try {
				byQueue.forEach(queue::enqueue);
			}
			catch (RuntimeException ex) {
				// Not on the queue after all: clear the mark so the next run tries again at once.
				jdbc.sql("update notice_attempt set enqueued_at = null where id = any(?)")
					.param(rows.stream().map(r -> ((Number) r.get("id")).longValue()).toArray(Long[]::new))
					.update();
				throw ex;
			}
			total += rows.size();
			if (rows.size() < PAGE || !lost) {
				break;
			}
		}
		if (total > 0) {
			log.info("Queued {} due notice attempts{}", total, lost ? " after the work queue was lost" : "");
		}
		return total;
	}

	/**
	 * An attempt left SENDING past its lease lost its worker. An SMS may have reached the provider before
	 * the worker died: ask the provider first and adopt the message if it is there, else send it again.
	 * An email is sent again with the same Message-ID, so a receiving system can tell it is the same mail.
	 */
	public int recoverStale() {
		Instant now = clock.instant();
		List<Map<String, Object>> rows = jdbc.sql("""
				update notice_attempt a set claimed_at = ?, claimed_by = 'reconciler'
				from notice n
				where n.id = a.notice_id and a.id in (
				    select id from notice_attempt where status = 'SENDING' and claimed_at < ?
				    order by claimed_at limit 100 for update skip locked)
				returning a.id, a.notice_id, n.client_id, a.channel, a.destination, a.subject, a.body, a.html_body,
				          a.tries, a.created_at""")
			.params(Timestamp.from(now), Timestamp.from(now.minus(settings.sendingLease())))
			.query()
			.listOfRows();
		for (Map<String, Object> row : rows) {
			NoticeStore.Claimed attempt = new NoticeStore.Claimed(((Number) row.get("id")).longValue(),
					(UUID) row.get("notice_id"), (String) row.get("client_id"),
					Channel.valueOf((String) row.get("channel")), (String) row.get("destination"),
					(String) row.get("subject"), (String) row.get("body"), (String) row.get("html_body"),
					((Number) row.get("tries")).intValue());
			Instant since = ((Timestamp) row.get("created_at")).toInstant();
			Optional<SmsGateway.SmsAccepted> found = Optional.empty();
			if (attempt.channel() == Channel.SMS && sms != null) {
				SmsGateway.OutgoingSms out = new SmsGateway.OutgoingSms(attempt.id(), sms.sender(),
						attempt.destination(), attempt.body(), dispatcher.statusCallback(sms.provider(), attempt.id()));
				found = sms.findSent(out, attempt.body(), since);
			}
			if (found.isPresent()) {
				SmsGateway.SmsAccepted accepted = found.get();
				dispatcher.recordAccepted(List.of(dispatcher.handed(attempt, accepted)));
				log.info("Attempt {} had reached the provider before its worker died: adopted {}", attempt.id(),
						accepted.providerId());
			}
			else {
				tx.executeWithoutResult(s -> {
					jdbc.sql("""
							update notice_attempt set status = 'PENDING', status_rank = 0, claimed_at = null,
							       enqueued_at = null, next_attempt_at = ?, updated_at = ?
							where id = ? and status = 'SENDING'""")
						.params(Timestamp.from(now), Timestamp.from(now), attempt.id())
						.update();
					store.event(attempt.noticeId(), now, "ATTEMPT_RECOVERED",
							Map.of("channel", attempt.channel().name(), "action", "send again"));
				});
				log.info("Attempt {} ({}) lost its worker before reaching the provider: sending again",
						attempt.id(), attempt.channel());
			}
		}
		return rows.size();
	}

	/**
	 * Asks the provider about SMS that have had no final delivery report for a while (a report can be lost:
	 * our endpoint was down when the provider called). What moves the attempt is applied and kept as evidence
	 * like a report; an unchanged answer is not kept again.
	 */
	public int pollUnfinished() {
		if (sms == null) {
			return 0;
		}
		Instant now = clock.instant();
		Timestamp due = Timestamp.from(now.minus(settings.statusPollAfter()));
		List<Map<String, Object>> rows = jdbc.sql("""
				update notice_attempt set status_polled_at = ?
				where id in (
				    select id from notice_attempt
				    where channel = 'SMS' and status in ('QUEUED', 'SENT') and provider = ? and provider_id is not null
				      and accepted_at < ? and accepted_at > ? and (status_polled_at is null or status_polled_at < ?)
				    order by accepted_at limit 100 for update skip locked)
				returning id, provider_id, status_rank""")
			.params(Timestamp.from(now), sms.provider(), due, Timestamp.from(now.minus(settings.statusPollFor())), due)
			.query()
			.listOfRows();
		int moved = 0;
		for (Map<String, Object> row : rows) {
			Optional<SmsStatusReported> report;
			try {
				report = sms.fetchStatus((String) row.get("provider_id"));
			}
			catch (SmsSendException ex) {
				log.debug("No status for {} this time: {}", row.get("provider_id"), ex.getMessage());
				continue;
			}
			AttemptStatus status = report.map(r -> AttemptStatus.fromTwilio(r.status())).orElse(null);
			if (status != null && status.rank() > ((Number) row.get("status_rank")).intValue()) {
				SmsStatusReported r = report.get();
				deliveryReports.apply(new SmsStatusReported(r.provider(), (String) row.get("provider_id"),
						((Number) row.get("id")).longValue(), r.status(), r.errorCode(), r.raw()));
				moved++;
			}
		}
		if (moved > 0) {
			log.info("{} SMS moved on by asking the provider (their delivery reports never came)", moved);
		}
		return moved;
	}

	/** Marks notices EXPIRED whose acknowledgement deadline passed without one. */
	public int expire() {
		Instant now = clock.instant();
		return tx.execute(s -> {
			List<Map<String, Object>> rows = jdbc.sql("""
					update notice n set status = 'EXPIRED', updated_at = ?
					from (select id, status from notice
					      where require_ack and acknowledged_at is null and ack_deadline < ? and status <> 'EXPIRED'
					      limit 1000 for update skip locked) old
					where n.id = old.id
					returning n.id, n.client_id, old.status as old_status""")
				.params(Timestamp.from(now), Timestamp.from(now))
				.query()
				.listOfRows();
			for (Map<String, Object> row : rows) {
				UUID id = (UUID) row.get("id");
				NoticeStatus from = NoticeStatus.valueOf((String) row.get("old_status"));
				store.event(id, now, "EXPIRED", Map.of("from", from.name()));
				events.publishEvent(new NoticeEvents.NoticeStatusChanged(id, (String) row.get("client_id"), from,
						NoticeStatus.EXPIRED, now));
			}
			return rows.size();
		});
	}

}
