package ackline.notice;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Notices as live consoles show them: one small row each, read fresh, and today's figures (Asia/Shanghai day) for
 * the supervisors' wallboard.
 */
public class NoticeViews {

	private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

	private static final String NOTICE = """
			select n.id, n.ref, n.type, n.client_id, n.client_name, n.status, n.require_ack, n.ack_deadline, n.created_at,
			       n.acknowledged_at, a.channel as ack_channel, a.late as ack_late
			from notice n left join acknowledgement a on a.notice_id = n.id""";

	private final JdbcClient jdbc;

	private final Clock clock;

	NoticeViews(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	public Optional<Map<String, Object>> notice(UUID id) {
		return jdbc.sql(NOTICE + " where n.id = ?").param(id).query().listOfRows().stream().findFirst().map(this::view);
	}

	/** Today's notices, newest first. */
	public List<Map<String, Object>> today(int limit) {
		return jdbc.sql(NOTICE + " where n.created_at >= ? order by n.created_at desc limit ?")
			.params(Timestamp.from(startOfToday()), limit).query().listOfRows().stream().map(this::view).toList();
	}

	/**
	 * Today's notices by how far they got: sent (handed to a provider), delivered (a delivery report, or the client
	 * answered), acknowledged, overdue (an acknowledgement was required and its deadline passed without one), failed.
	 */
	public Map<String, Object> todayFigures() {
		return jdbc.sql("""
				select count(*) as accepted,
				       count(*) filter (where status in ('SENT', 'DELIVERED', 'ACKNOWLEDGED', 'EXPIRED')) as sent,
				       count(*) filter (where status in ('DELIVERED', 'ACKNOWLEDGED')) as delivered,
				       count(*) filter (where status = 'ACKNOWLEDGED') as acknowledged,
				       count(*) filter (where require_ack and acknowledged_at is null and ack_deadline < ?) as overdue,
				       count(*) filter (where status = 'FAILED') as failed
				from notice where created_at >= ?""")
			.params(Timestamp.from(clock.instant()), Timestamp.from(startOfToday()))
			.query()
			.singleRow();
	}

	private Instant startOfToday() {
		return LocalDate.now(clock.withZone(SHANGHAI)).atStartOfDay(SHANGHAI).toInstant();
	}

	private Map<String, Object> view(Map<String, Object> row) {
		Map<String, Object> view = new LinkedHashMap<>();
		Instant deadline = instant(row.get("ack_deadline"));
		view.put("noticeId", row.get("id"));
		view.put("ref", row.get("ref"));
		view.put("type", row.get("type"));
		view.put("clientId", row.get("client_id"));
		view.put("clientName", row.get("client_name"));
		view.put("status", row.get("status"));
		view.put("requireAck", row.get("require_ack"));
		view.put("ackDeadline", deadline);
		view.put("overdue", Boolean.TRUE.equals(row.get("require_ack")) && row.get("acknowledged_at") == null
				&& deadline != null && deadline.isBefore(clock.instant()));
		view.put("createdAt", instant(row.get("created_at")));
		view.put("acknowledgedAt", instant(row.get("acknowledged_at")));
		view.put("ackChannel", row.get("ack_channel"));
		view.put("ackLate", row.get("ack_late"));
		return view;
	}

	private static Instant instant(Object value) {
		return value == null ? null : ((Timestamp) value).toInstant();
	}

}
