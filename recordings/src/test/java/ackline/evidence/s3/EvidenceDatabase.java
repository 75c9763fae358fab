package ackline.evidence.s3;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * A new database on the machine's PostgreSQL (as CI provides it: 127.0.0.1:5432, trust auth for {@code postgres};
 * {@code ACKLINE_TEST_PG_*} override) with this module's migrations applied.
 */
final class EvidenceDatabase {

	private EvidenceDatabase() {
	}

	static DataSource create() {
		String host = env("ACKLINE_TEST_PG_HOST", "127.0.0.1");
		String port = env("ACKLINE_TEST_PG_PORT", "5432");
		String user = env("ACKLINE_TEST_PG_USER", "postgres");
		String server = "jdbc:postgresql://" + host + ":" + port + "/";
		String name = "ackline_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection c = DriverManager.getConnection(server + "postgres", user, "");
				Statement s = c.createStatement()) {
			s.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create a test database on " + server + ": " + ex.getMessage(), ex);
		}
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new org.postgresql.Driver(), server + name, user,
				"");
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/recordings").load().migrate();
		return dataSource;
	}

	private static String env(String name, String fallback) {
		String v = System.getenv(name);
		return v == null || v.isBlank() ? fallback : v;
	}

}
