package ackline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import java.util.function.Supplier;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * PostgreSQL and Redis for tests: the machine's, as CI provides them (127.0.0.1:5432 with trust auth for
 * {@code postgres}, 127.0.0.1:6379; override with {@code ACKLINE_TEST_PG_*} and {@code ACKLINE_TEST_REDIS_URL}),
 * else embedded ones started once per test JVM, so the suite runs where only a JDK is. Each test class
 * gets a database of its own, so classes never see each other's rows.
 */
public final class TestServices {

	public static final String PG_USER = env("ACKLINE_TEST_PG_USER", "postgres");

	public static final String REDIS_URL = TestRedis.url();

	private static String server;

	private TestServices() {
	}

	/** Creates an empty database and returns its JDBC URL. */
	public static String newDatabase() {
		String name = "ackline_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection c = DriverManager.getConnection(server() + "postgres", PG_USER, "");
				Statement s = c.createStatement()) {
			s.execute("create database " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create a test database on " + server() + ": " + ex.getMessage(), ex);
		}
		return server() + name;
	}

	private static synchronized String server() {
		if (server == null) {
			String host = env("ACKLINE_TEST_PG_HOST", "127.0.0.1");
			int port = Integer.parseInt(env("ACKLINE_TEST_PG_PORT", "5432"));
			if (TestRedis.reachable(host, port)) {
				server = "jdbc:postgresql://" + host + ":" + port + "/";
			}
			else {
				server = startEmbedded();
			}
		}
		return server;
	}

	private static String startEmbedded() {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setServerConfig("fsync", "off")
				.setServerConfig("synchronous_commit", "off")
				.setServerConfig("max_connections", "300")
				.start();
			return "jdbc:postgresql://localhost:" + postgres.getPort() + "/";
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No PostgreSQL on 127.0.0.1:5432 and the embedded one did not start", ex);
		}
	}

	/**
	 * What every application test needs: a database of its own, Redis under a key prefix of its own (contexts
	 * never take each other's queue entries), Twilio pointed at {@code twilioBaseUrl}, the demo users.
	 */
	public static void register(DynamicPropertyRegistry registry, Supplier<Object> twilioBaseUrl) {
		registry.add("spring.datasource.url", TestServices::newDatabase);
		registry.add("spring.datasource.username", () -> PG_USER);
		registry.add("ackline.redis.url", () -> REDIS_URL);
		registry.add("ackline.redis.key-prefix", () -> "test:" + UUID.randomUUID() + ":");
		registry.add("ackline.twilio.account-sid", () -> TwilioStub.ACCOUNT_SID);
		registry.add("ackline.twilio.auth-token", () -> TwilioStub.AUTH_TOKEN);
		registry.add("ackline.twilio.from-number", () -> TwilioStub.FROM);
		registry.add("ackline.twilio.api-base-url", twilioBaseUrl);
		registry.add("ackline.demo-users", () -> "true");
		// tests run at any hour and on weekends; the windows themselves are tested in telephony
		registry.add("ackline.callbacks.any-time", () -> "true");
		// no PBX unless a test starts the simulated one and points the adapter at it
		registry.add("ackline.asterisk.enabled", () -> "false");
	}

	private static String env(String name, String fallback) {
		String v = System.getenv(name);
		return v == null || v.isBlank() ? fallback : v;
	}

}
