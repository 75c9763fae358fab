package ackline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmark's view of Ackline's database, the truth about what was sent and acknowledged. One connection, with
 * temporary tables naming this run's notices and replies, so every figure counts this run only, whatever else the
 * database holds.
 */
final class BenchmarkDatabase implements AutoCloseable {

	private static final String HANDED_OVER = "a.status in ('QUEUED', 'SENT', 'DELIVERED') and a.accepted_at is not null";

	private final Connection connection;

	private BenchmarkDatabase(Connection connection) throws SQLException {
		this.connection = connection;
		try (Statement s = connection.createStatement()) {
			s.execute("create temp table bench_notice (id uuid primary key, phone text not null)");
			s.execute("create temp table bench_reply (sid text primary key, notice_id uuid not null)");
		}
	}

	static BenchmarkDatabase connect(String url, String user, String password) throws SQLException {
		return new BenchmarkDatabase(DriverManager.getConnection(url, user, password));
	}

	/** Names this run's notices (E.164 phone numbers alongside), forgetting an earlier run's (a warm-up's). */
	void notices(List<UUID> ids, List<String> phones) throws SQLException {
		try (Statement s = this.connection.createStatement()) {
			s.execute("truncate bench_notice, bench_reply");
		}
		load("insert into bench_notice select * from unnest(?::uuid[], ?::text[])", "bench_notice",
				ids.toArray(UUID[]::new), "uuid", phones.toArray(String[]::new), "text");
	}

	/** Names this run's replies: the MessageSid of each and the notice it answers. */
	void replies(List<String> sids, List<UUID> noticeIds) throws SQLException {
		load("insert into bench_reply select * from unnest(?::text[], ?::uuid[])", "bench_reply",
				sids.toArray(String[]::new), "text", noticeIds.toArray(UUID[]::new), "uuid");
	}

	private void load(String sql, String table, Object[] first, String firstType, Object[] second, String secondType)
			throws SQLException {
		try (PreparedStatement insert = this.connection.prepareStatement(sql);
				Statement analyze = this.connection.createStatement()) {
			insert.setArray(1, this.connection.createArrayOf(firstType, first));
			insert.setArray(2, this.connection.createArrayOf(secondType, second));
			insert.executeUpdate();
			// temporary tables are never auto-analysed; without statistics the joins below would nest loops
			analyze.execute("analyze " + table);
		}
	}

	/** This run's SMS attempts the provider has taken: QUEUED, SENT or DELIVERED, with a time of acceptance. */
	long handedOver() throws SQLException {
		return count("select count(*) from bench_notice b join notice_attempt a on a.notice_id = b.id "
				+ "and a.channel = 'SMS' where " + HANDED_OVER);
	}

	/** This run's SMS attempts a delivery report has moved to DELIVERED. */
	long delivered() throws SQLException {
		return count("select count(*) from bench_notice b join notice_attempt a on a.notice_id = b.id "
				+ "and a.channel = 'SMS' where a.status = 'DELIVERED'");
	}

	/** This run's replied-to notices now ACKNOWLEDGED. */
	long acknowledged() throws SQLException {
		return count("select count(*) from bench_reply r join notice n on n.id = r.notice_id "
				+ "where n.status = 'ACKNOWLEDGED' and n.acknowledged_at is not null");
	}

	Sending sending() throws SQLException {
		try (Statement s = this.connection.createStatement();
				ResultSet rs = s.executeQuery("""
						select count(*) filter (where %s) as handed_over,
						       min(a.accepted_at) as first_accepted, max(a.accepted_at) as last_accepted,
						       percentile_cont(0.5) within group (order by l.seconds) as p50,
						       percentile_cont(0.99) within group (order by l.seconds) as p99,
						       max(l.seconds) as slowest
						from bench_notice b join notice n on n.id = b.id
						left join notice_attempt a on a.notice_id = b.id and a.channel = 'SMS'
						cross join lateral (select extract(epoch from a.accepted_at - n.created_at) as seconds) l"""
					.formatted(HANDED_OVER))) {
			rs.next();
			return new Sending(rs.getLong("handed_over"), instant(rs.getTimestamp("first_accepted")),
					instant(rs.getTimestamp("last_accepted")), rs.getDouble("p50"), rs.getDouble("p99"),
					rs.getDouble("slowest"), notHandedOverByStatus(), count("""
							select coalesce(sum(c - 1), 0) from (
							    select a.provider_id, count(*) as c
							    from bench_notice b join notice_attempt a on a.notice_id = b.id
							    where a.provider_id is not null group by a.provider_id having count(*) > 1) d"""),
					count("select count(*) - count(distinct a.notice_id) from bench_notice b "
							+ "join notice_attempt a on a.notice_id = b.id where a.channel = 'SMS'"));
		}
	}

	private Map<String, Long> notHandedOverByStatus() throws SQLException {
		Map<String, Long> byStatus = new LinkedHashMap<>();
		try (Statement s = this.connection.createStatement();
				ResultSet rs = s.executeQuery("""
						select coalesce(a.status, 'no SMS attempt') as status, count(*) as n
						from bench_notice b left join notice_attempt a on a.notice_id = b.id and a.channel = 'SMS'
						where a.id is null or not (%s) group by 1 order by 2 desc""".formatted(HANDED_OVER))) {
			while (rs.next()) {
				byStatus.put(rs.getString("status"), rs.getLong("n"));
			}
		}
		return byStatus;
	}

	Replying replying() throws SQLException {
		try (Statement s = this.connection.createStatement();
				ResultSet rs = s.executeQuery("""
						select count(distinct m.provider_id) as recorded,
						       count(m.id) - count(distinct m.provider_id) as duplicate_rows,
						       count(m.id) filter (where m.classification <> 'ACK'
						                             or m.matched_notice_id is distinct from r.notice_id) as mismatched
						from bench_reply r left join inbound_message m on m.channel = 'SMS' and m.provider_id = r.sid""")) {
			rs.next();
			return new Replying(rs.getLong("recorded"), acknowledged(), rs.getLong("duplicate_rows"),
					count("select count(*) - count(distinct k.notice_id) from bench_reply r "
							+ "join acknowledgement k on k.notice_id = r.notice_id"),
					rs.getLong("mismatched"));
		}
	}

	private long count(String sql) throws SQLException {
		try (Statement s = this.connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

	/**
	 * What PostgreSQL says about this run's SMS.
	 *
	 * @param p50 seconds from a notice's creation to the provider's acceptance of its SMS, median
	 * @param notHandedOver the attempts not handed over, by status (the lost ones, once the wait is over)
	 * @param duplicateProviderIds attempts beyond the first sharing one Twilio SID
	 * @param duplicateAttempts SMS attempts beyond one per notice
	 */
	record Sending(long handedOver, Instant firstAccepted, Instant lastAccepted, double p50, double p99,
			double slowest, Map<String, Long> notHandedOver, long duplicateProviderIds, long duplicateAttempts) {
	}

	/**
	 * What PostgreSQL says about this run's replies.
	 *
	 * @param recorded replies with an {@code inbound_message} row
	 * @param duplicateInboundRows inbound rows beyond one per MessageSid
	 * @param duplicateAcknowledgements acknowledgements beyond one per notice
	 * @param mismatched replies recorded as something other than an acknowledgement of the notice they answer
	 */
	record Replying(long recorded, long acknowledged, long duplicateInboundRows, long duplicateAcknowledgements,
			long mismatched) {
	}

}
