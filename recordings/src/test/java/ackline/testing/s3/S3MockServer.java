package ackline.testing.s3;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Adobe's S3Mock as a child JVM on a free port: a fast S3 server for tests and the local run. It accepts Object Lock
 * calls and stores retention and legal holds but does <em>not</em> refuse deletes, so the WORM tests use
 * {@link CephRgw}. The executable jar comes from the test class path ({@code com.adobe.testing:s3mock:exec}) or the
 * local Maven repository.
 */
public final class S3MockServer implements AutoCloseable {

	public static final String ACCESS_KEY = "any";

	public static final String SECRET_KEY = "any";

	public static final String VERSION = "5.2.0";

	private final int port;

	private final Path root;

	private Process process;

	private S3MockServer(int port, Path root) {
		this.port = port;
		this.root = root;
	}

	private static S3MockServer shared;

	/** The S3Mock of this test JVM, started on first use and stopped by a shutdown hook; never stop it in a test. */
	public static synchronized S3MockServer shared() {
		if (shared == null) {
			shared = start();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "s3mock-stop"));
		}
		return shared;
	}

	/** Starts S3Mock on a free port and waits until it listens (about 5 s). */
	public static S3MockServer start() {
		try {
			return start(CephRgw.freePort());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Starts S3Mock with plain HTTP on that port (its HTTPS port is a free one) and waits until it listens. */
	public static S3MockServer start(int port) {
		try {
			S3MockServer server = new S3MockServer(port, Files.createTempDirectory("ackline-s3mock"));
			server.launch();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Starts it again on the same port and with the same files, after {@link #stop()}. */
	public synchronized void launch() {
		if (process != null && process.isAlive()) {
			return;
		}
		try {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString(),
					"--server.port=0", "--server.address=127.0.0.1", "--com.adobe.testing.s3mock.http-port=" + port,
					"--com.adobe.testing.s3mock.store.root=" + root, "--spring.main.banner-mode=off",
					"--logging.level.root=WARN")
				.redirectErrorStream(true)
				.redirectOutput(root.resolveSibling(root.getFileName() + ".log").toFile())
				.start();
			Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
			while (!listening()) {
				if (!process.isAlive() || Instant.now().isAfter(deadline)) {
					process.destroyForcibly();
					throw new IllegalStateException("S3Mock did not start on port " + port + "; see "
							+ root.resolveSibling(root.getFileName() + ".log"));
				}
				Thread.sleep(200);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public String endpoint() {
		return "http://127.0.0.1:" + port;
	}

	public int port() {
		return port;
	}

	/** Where it keeps buckets and objects; its log is beside it, {@code <root>.log}. */
	public Path root() {
		return root;
	}

	/** Stops the server (a store that is down); {@link #launch()} brings it back with its objects. */
	public synchronized void stop() {
		if (process != null) {
			process.destroy();
			try {
				if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
					process.destroyForcibly().waitFor();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			process = null;
		}
	}

	@Override
	public void close() {
		stop();
	}

	/** Stops the server for good and deletes its objects and log (the local run's stack does, on close). */
	public synchronized void stopAndDeleteFiles() throws IOException {
		stop();
		if (Files.exists(root)) {
			try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
				for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(path);
				}
			}
		}
		Files.deleteIfExists(root.resolveSibling(root.getFileName() + ".log"));
	}

	private boolean listening() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static Path jar() {
		String name = "s3mock-" + VERSION + "-exec.jar";
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.map(Path::of)
			.filter(p -> p.getFileName() != null && p.getFileName().toString().equals(name))
			.findFirst()
			.or(() -> {
				Path local = Path.of(System.getProperty("user.home"), ".m2", "repository", "com", "adobe", "testing",
						"s3mock", VERSION, name);
				return Files.isRegularFile(local) ? java.util.Optional.of(local) : java.util.Optional.empty();
			})
			.orElseThrow(() -> new IllegalStateException(
					"No " + name + ": add com.adobe.testing:s3mock:" + VERSION + ":exec as a test dependency"));
	}

}
