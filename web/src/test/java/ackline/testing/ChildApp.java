package ackline.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/** Ackline as a separate JVM, for tests that kill it or run two nodes; and what such tests need around it. */
public final class ChildApp {

	private ChildApp() {
	}

	/** The application as a separate JVM, on the main classpath only (no test classes: nothing of the tests leaks in). */
	public static Process start(List<String> args, String name) throws IOException {
		return start(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), args, name);
	}

	/** The application as a separate JVM with the given JVM options (a benchmark wants the full JIT and more heap). */
	public static Process start(List<String> jvmOptions, List<String> args, String name) throws IOException {
		String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
			.collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", classpath, "ackline.AcklineApplication"));
		command.addAll(args);
		Path log = Path.of("target", "process-kill-" + name + ".log");
		Files.createDirectories(log.getParent());
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	public static void awaitUp(int port) {
		Api api = new Api(port);
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
			.until(() -> api.get("/actuator/health/liveness", null).status() == 200);
	}

	public static long count(String jdbcUrl, String sql) throws Exception {
		try (Connection c = DriverManager.getConnection(jdbcUrl, TestServices.PG_USER, "");
				Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
