package ackline.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches what the app's PostgreSQL sessions are doing, from {@code pg_stat_activity} every few hundred
 * milliseconds: statements seen running longer than a threshold (slow queries) and sessions waiting for a lock (row
 * lock contention), by statement. A sample, not a log: a statement seen twice ran at least as long as the interval.
 */
final class PostgresActivity implements AutoCloseable {

	private static final String ACTIVE = """
			select wait_event_type, extract(epoch from clock_timestamp() - query_start) as seconds,
			       left(regexp_replace(query, '\\s+', ' ', 'g'), 150) as query
			from pg_stat_activity
			where state = 'active' and pid <> pg_backend_pid() and datname = current_database()
			  and backend_type = 'client backend'""";

	private final Connection connection;

	private final double slowSeconds;

	private final Map<String, Seen> slow = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> lockWaits = new ConcurrentHashMap<>();

	private final AtomicLong samples = new AtomicLong();

	private final AtomicLong activeSessions = new AtomicLong();

	private final Thread thread;

	private volatile boolean running = true;

	private volatile String failure;

	PostgresActivity(String url, String user, String password, long intervalMillis, double slowSeconds)
			throws SQLException {
		this.connection = DriverManager.getConnection(url, user, password);
		this.slowSeconds = slowSeconds;
		this.thread = new Thread(() -> {
			while (this.running) {
				try {
					sample();
					Thread.sleep(intervalMillis);
				}
				catch (InterruptedException ex) {
					return;
				}
				catch (SQLException ex) {
					this.failure = ex.toString();
					return;
				}
			}
		}, "bench-pg-activity");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void sample() throws SQLException {
		try (Statement s = this.connection.createStatement(); ResultSet rs = s.executeQuery(ACTIVE)) {
			this.samples.incrementAndGet();
			while (rs.next()) {
				this.activeSessions.incrementAndGet();
				String query = rs.getString("query");
				double seconds = rs.getDouble("seconds");
				if ("Lock".equals(rs.getString("wait_event_type"))) {
					this.lockWaits.computeIfAbsent(query, q -> new AtomicLong()).incrementAndGet();
				}
				if (seconds >= this.slowSeconds) {
					this.slow.merge(query, new Seen(1, seconds),
							(a, b) -> new Seen(a.samples + 1, Math.max(a.longest, b.longest)));
				}
			}
		}
	}

	/** What was seen, for the report: a few lines, worst first. */
	List<String> summary(int limit) {
		List<String> lines = new ArrayList<>();
		long n = this.samples.get();
		lines.add(String.format(Locale.ROOT, "%,d samples; %.1f app sessions active on average; %,d lock waits seen; "
				+ "%,d statements seen running %.0f ms or longer", n, (n == 0) ? 0.0 : this.activeSessions.get() / (double) n,
				this.lockWaits.values().stream().mapToLong(AtomicLong::get).sum(),
				this.slow.values().stream().mapToLong(Seen::samples).sum(), this.slowSeconds * 1000));
		this.slow.entrySet()
			.stream()
			.sorted(Comparator.comparingDouble((Map.Entry<String, Seen> e) -> e.getValue().longest()).reversed())
			.limit(limit)
			.forEach(e -> lines.add(String.format(Locale.ROOT, "slow: %.2f s longest, seen %,d times: %s",
					e.getValue().longest(), e.getValue().samples(), e.getKey())));
		this.lockWaits.entrySet()
			.stream()
			.sorted(Comparator.comparingLong((Map.Entry<String, AtomicLong> e) -> e.getValue().get()).reversed())
			.limit(limit)
			.forEach(e -> lines.add(String.format(Locale.ROOT, "lock wait, seen %,d times: %s", e.getValue().get(),
					e.getKey())));
		if (this.failure != null) {
			lines.add("watching stopped: " + this.failure);
		}
		return lines;
	}

	@Override
	public void close() throws SQLException {
		this.running = false;
		this.thread.interrupt();
		try {
			this.thread.join(2_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.connection.close();
	}

	private record Seen(long samples, double longest) {
	}

}
