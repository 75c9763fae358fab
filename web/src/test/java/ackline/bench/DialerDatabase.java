package ackline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The dialer benchmark's view of Ackline's database: the agents to serve while it runs, and afterwards the truth
 * about this run's tasks and calls. One connection, with temporary tables naming this run's tasks and the
 * Originates the simulated PBX received, so every figure counts this run only.
 */
final class DialerDatabase implements AutoCloseable {

	private static final String OF_THIS_RUN = "bench_task b join call c on c.task_id = b.id";

	private final Connection connection;

	private DialerDatabase(Connection connection) throws SQLException {
		this.connection = connection;
		try (Statement s = connection.createStatement()) {
			s.execute("create temp table bench_task (id uuid primary key)");
			s.execute("create temp table bench_originate (call_id uuid primary key, originates int not null)");
		}
	}

	static DialerDatabase connect(String url, String user, String password) throws SQLException {
		return new DialerDatabase(DriverManager.getConnection(url, user, password));
	}

	/** Names this run's tasks. */
	void tasks(List<UUID> ids) throws SQLException {
		try (PreparedStatement insert = this.connection
			.prepareStatement("insert into bench_task select * from unnest(?::uuid[])");
				Statement analyze = this.connection.createStatement()) {
			insert.setArray(1, this.connection.createArrayOf("uuid", ids.toArray(UUID[]::new)));
			insert.executeUpdate();
			// temporary tables are never auto-analysed; without statistics the joins below would nest loops
			analyze.execute("analyze bench_task");
		}
	}

	/** Names the Originates the simulated PBX received: how many per call id. */
	void originates(Map<UUID, Integer> perCall) throws SQLException {
		List<UUID> ids = new ArrayList<>(perCall.keySet());
		Integer[] counts = ids.stream().map(perCall::get).toArray(Integer[]::new);
		try (PreparedStatement insert = this.connection
			.prepareStatement("insert into bench_originate select * from unnest(?::uuid[], ?::int[])");
				Statement analyze = this.connection.createStatement()) {
			insert.setArray(1, this.connection.createArrayOf("uuid", ids.toArray(UUID[]::new)));
			insert.setArray(2, this.connection.createArrayOf("int4", counts));
			insert.executeUpdate();
			analyze.execute("analyze bench_originate");
		}
	}

	/** An agent the driver has to act for: one in WRAP_UP with its task, or one the dialer PAUSED. */
	record Waiting(String agentId, String state, UUID task, String reason) {
	}

	/** The benchmark's agents in WRAP_UP or PAUSED, as PostgreSQL has them now. */
	List<Waiting> waiting(String[] agentIds) throws SQLException {
		List<Waiting> waiting = new ArrayList<>();
		try (PreparedStatement select = this.connection.prepareStatement("""
				select id, state, current_task, reason from agent
				where id = any(?) and state in ('WRAP_UP', 'PAUSED')""")) {
			select.setArray(1, this.connection.createArrayOf("text", agentIds));
			try (ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					waiting.add(new Waiting(rs.getString("id"), rs.getString("state"),
							rs.getObject("current_task", UUID.class), rs.getString("reason")));
				}
			}
		}
		return waiting;
	}

	/** This run's tasks by state. */
	Map<String, Long> tasksByState() throws SQLException {
		return grouped("select t.state, count(*) from bench_task b join callback_task t on t.id = b.id "
				+ "group by 1 order by 2 desc");
	}

	/** This run's calls by outcome (by state while not ended). */
	Map<String, Long> callsByOutcome() throws SQLException {
		return grouped("select coalesce(c.outcome, c.state), count(*) from " + OF_THIS_RUN + " group by 1 order by 2 desc");
	}

	/**
	 * This run's calls that ended with a failure noted, by outcome and the failure's kind (the text before its
	 * colon): {@code ANSWERED LOST} is a call the reconciler ended because the PBX no longer had it.
	 */
	Map<String, Long> callFailures() throws SQLException {
		return grouped("select c.outcome || ' ' || split_part(c.failure, ':', 1), count(*) from " + OF_THIS_RUN
				+ " where c.failure is not null group by 1 order by 2 desc");
	}

	/**
	 * Calls of this run the reconciler ended as LOST although the PBX had hung them up before: their Hangup event
	 * carries an earlier Timestamp than the end the reconciler wrote, and the app applied it only afterwards.
	 */
	long lostButHungUpBefore() throws SQLException {
		return count("select count(*) from " + OF_THIS_RUN + " where c.failure like 'LOST%' and exists ("
				+ "select 1 from call_event e where e.call_id = c.id and e.kind = 'HANGUP' and e.at <= c.ended_at "
				+ "and e.received_at >= c.ended_at)");
	}

	/** This run's calls by recording state. */
	Map<String, Long> recordings() throws SQLException {
		return grouped("select c.recording_state, count(*) from " + OF_THIS_RUN + " group by 1 order by 2 desc");
	}

	/** This run's calls whose recording is still to be collected. */
	long recordingsPending() throws SQLException {
		return count("select count(*) from " + OF_THIS_RUN + " where c.recording_state = 'PENDING'");
	}

	/**
	 * Seconds from a call's end to its recording stored (the row's last update), p50, p99 and max, over this run's
	 * STORED recordings.
	 */
	double[] endToStored() throws SQLException {
		try (Statement s = this.connection.createStatement(); ResultSet rs = s.executeQuery("""
				select percentile_cont(0.5) within group (order by l.seconds),
				       percentile_cont(0.99) within group (order by l.seconds), max(l.seconds)
				from bench_task b join call c on c.task_id = b.id
				cross join lateral (select extract(epoch from c.updated_at - c.ended_at) as seconds) l
				where c.recording_state = 'STORED'""")) {
			rs.next();
			return new double[] { rs.getDouble(1), rs.getDouble(2), rs.getDouble(3) };
		}
	}

	/**
	 * How far the app's handling of the PBX's events fell behind: seconds from an event's Timestamp at the PBX to the
	 * app applying it ({@code call_event.received_at}), p50, p99 and max, over this run's calls; and the events kept
	 * per call.
	 */
	double[] eventLag() throws SQLException {
		try (Statement s = this.connection.createStatement(); ResultSet rs = s.executeQuery("""
				select percentile_cont(0.5) within group (order by l.seconds),
				       percentile_cont(0.99) within group (order by l.seconds), max(l.seconds),
				       count(*)::float8 / nullif(count(distinct e.call_id), 0)
				from bench_task b join call c on c.task_id = b.id join call_event e on e.call_id = c.id
				cross join lateral (select extract(epoch from e.received_at - e.at) as seconds) l""")) {
			rs.next();
			return new double[] { rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4) };
		}
	}

	/** Tasks of this run with more than one call row: dialled twice. */
	long tasksWithSeveralCalls() throws SQLException {
		return count("select count(*) from (select c.task_id from " + OF_THIS_RUN
				+ " group by c.task_id having count(*) > 1) d");
	}

	/** Call ids the simulated PBX got more than one Originate for. */
	long callsOriginatedTwice() throws SQLException {
		return count("select count(*) from bench_originate where originates > 1");
	}

	/** Tasks of this run more than one of whose calls reached the PBX: dialled twice, as the PBX saw it. */
	long tasksOriginatedTwice() throws SQLException {
		return count("select count(*) from (select c.task_id from " + OF_THIS_RUN
				+ " join bench_originate o on o.call_id = c.id group by c.task_id "
				+ "having sum(o.originates) > 1) d");
	}

	/** Calls of this run that never reached the PBX. */
	long callsNotOriginated() throws SQLException {
		return count("select count(*) from " + OF_THIS_RUN
				+ " where not exists (select 1 from bench_originate o where o.call_id = c.id)");
	}

	/** Originates at the PBX whose call id is no call of this run's tasks. */
	long strangeOriginates() throws SQLException {
		return count("select count(*) from bench_originate o where not exists "
				+ "(select 1 from bench_task b join call c on c.task_id = b.id where c.id = o.call_id)");
	}

	/**
	 * PostgreSQL's counters for the dialer's tables ({@code pg_stat_user_tables}): sequential scans and the rows they
	 * read, index scans, dead rows, and when autovacuum last analysed each table.
	 */
	Map<String, TableStats> tableStats() throws SQLException {
		Map<String, TableStats> stats = new LinkedHashMap<>();
		try (Statement s = this.connection.createStatement(); ResultSet rs = s.executeQuery("""
				select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0), n_live_tup, n_dead_tup,
				       greatest(last_analyze, last_autoanalyze) as analyzed
				from pg_stat_user_tables where relname in ('callback_task', 'call', 'call_event', 'agent')
				order by relname""")) {
			while (rs.next()) {
				Timestamp analyzed = rs.getTimestamp("analyzed");
				stats.put(rs.getString(1), new TableStats(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
						rs.getLong(6), (analyzed == null) ? null : analyzed.toInstant()));
			}
		}
		return stats;
	}

	/** One table's counters; {@code analyzed} is null when it never was. */
	record TableStats(long seqScans, long seqRowsRead, long indexScans, long liveRows, long deadRows,
			Instant analyzed) {
	}

	/** Deadlocks PostgreSQL has detected in this database since its statistics began. */
	long deadlocks() throws SQLException {
		return count("select deadlocks from pg_stat_database where datname = current_database()");
	}

	private Map<String, Long> grouped(String sql) throws SQLException {
		Map<String, Long> counts = new LinkedHashMap<>();
		try (Statement s = this.connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
			while (rs.next()) {
				counts.put(rs.getString(1), rs.getLong(2));
			}
		}
		return counts;
	}

	private long count(String sql) throws SQLException {
		try (Statement s = this.connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
