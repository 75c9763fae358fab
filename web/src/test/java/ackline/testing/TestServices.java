package ackline.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The machine's PostgreSQL and Redis, as CI provides them (README). Each test class gets a database of
 * its own, so classes never see each other's rows.
 */
public final class TestServices {

	public static final String PG_HOST = env("ACKLINE_TEST_PG_HOST", "127.0.0.1");

	public static final String PG_PORT = env("ACKLINE_TEST_PG_PORT", "5432");

	public static final String PG_USER = env("ACKLINE_TEST_PG_USER", "postgres");

	public static final String REDIS_URL = env("ACKLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379");

	private TestServices() {
	}

	/** Creates an empty database and returns its JDBC URL. */
	public static String newDatabase() {
		String name = "ackline_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection c = DriverManager.getConnection(url("test"), PG_USER, "");
				Statement s = c.createStatement()) {
			s.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL must run on " + PG_HOST + ":" + PG_PORT
					+ " with trust auth for user " + PG_USER + " (see README): " + ex.getMessage(), ex);
		}
		return url(name);
	}

	public static String url(String database) {
		return "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + database;
	}

	private static String env(String name, String fallback) {
		String v = System.getenv(name);
		return v == null || v.isBlank() ? fallback : v;
	}

}
