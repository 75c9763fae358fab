package ackline.testing.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real S3 server that enforces Object Lock: a single-node, in-memory Ceph cluster with RGW on loopback, started from
 * {@code ceph-rgw.sh} once per test JVM (about 15 s) and stopped by a shutdown hook. Needs Debian's {@code radosgw},
 * {@code ceph-mon} and {@code ceph-osd} (CI installs them); tests call {@link #shared()}, which skips them only when
 * those binaries are missing.
 */
public final class CephRgw {

	public static final String ACCESS_KEY = "devaccess";

	public static final String SECRET_KEY = "devsecret123";

	/** The OSD's size unless a caller asks for more: ample for the tests. */
	public static final long DEFAULT_MEMSTORE_BYTES = 1L << 30;

	private static CephRgw shared;

	private final Path dir;

	private final int port;

	private CephRgw(Path dir, int port) {
		this.dir = dir;
		this.port = port;
	}

	/** Whether the Ceph binaries are installed. */
	public static boolean installed() {
		return Files.isExecutable(Path.of("/usr/bin/radosgw")) && Files.isExecutable(Path.of("/usr/bin/ceph-mon"))
				&& Files.isExecutable(Path.of("/usr/bin/ceph-osd"));
	}

	/** The RGW of this test JVM, started on first use; skips the calling test when Ceph is not installed. */
	public static synchronized CephRgw shared() {
		Assumptions.assumeTrue(installed(), "Ceph RGW not installed (apt-get install radosgw ceph-mon ceph-osd)");
		if (shared == null) {
			shared = start();
			CephRgw started = shared;
			Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "ceph-rgw-stop"));
		}
		return shared;
	}

	/** Starts a new cluster in a temporary directory on free ports (a second try if the first fails). */
	public static CephRgw start() {
		return start(DEFAULT_MEMSTORE_BYTES);
	}

	/**
	 * Starts a new cluster whose in-memory OSD holds up to {@code memstoreBytes} (RAM is taken only as objects are
	 * written); the caller stops it.
	 */
	public static CephRgw start(long memstoreBytes) {
		try {
			return startOnce(memstoreBytes);
		}
		catch (IllegalStateException first) {
			try {
				return startOnce(memstoreBytes);
			}
			catch (IllegalStateException second) {
				second.addSuppressed(first);
				throw second;
			}
		}
	}

	private static CephRgw startOnce(long memstoreBytes) {
		try {
			Path dir = Files.createTempDirectory("ackline-ceph");
			Path script = dir.resolve("ceph-rgw.sh");
			try (InputStream in = CephRgw.class.getResourceAsStream("ceph-rgw.sh")) {
				Files.copy(in, script);
			}
			int port = freePort();
			ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
				.redirectOutput(dir.resolve("start.log").toFile());
			builder.environment().put("CEPH_DIR", dir.resolve("ceph").toString());
			builder.environment().put("MON_PORT", Integer.toString(freePort()));
			builder.environment().put("RGW_PORT", Integer.toString(port));
			builder.environment().put("S3_ACCESS_KEY", ACCESS_KEY);
			builder.environment().put("S3_SECRET_KEY", SECRET_KEY);
			builder.environment().put("MEMSTORE_BYTES", Long.toString(memstoreBytes));
			CephRgw rgw = new CephRgw(dir, port);
			Process process = builder.start();
			if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				String log = Files.readString(dir.resolve("start.log"), StandardCharsets.UTF_8);
				rgw.stop();
				throw new IllegalStateException("Ceph RGW did not start:\n" + log);
			}
			return rgw;
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

	/** The cluster's running daemons (monitor, OSD, RGW), from their pid files: for CPU accounting. */
	public java.util.List<ProcessHandle> daemons() {
		java.util.List<ProcessHandle> daemons = new java.util.ArrayList<>();
		try (var pids = Files.newDirectoryStream(dir.resolve("ceph/run"), "*.pid")) {
			for (Path pid : pids) {
				ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(daemons::add);
			}
		}
		catch (IOException | NumberFormatException ex) {
			// none found: reported as not measured
		}
		return daemons;
	}

	/**
	 * Kills the cluster's daemons (their pid files) and removes its directory. SIGKILL: on SIGTERM an OSD or RGW
	 * whose monitor is already gone waits for it, and the cluster is in memory anyway.
	 */
	public void stop() {
		Path run = dir.resolve("ceph/run");
		if (Files.isDirectory(run)) {
			try (var pids = Files.newDirectoryStream(run, "*.pid")) {
				for (Path pid : pids) {
					ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
				}
			}
			catch (IOException | NumberFormatException ex) {
				// best effort: the daemons die with the machine's temp directory at worst
			}
		}
		try (var walk = Files.walk(dir)) {
			walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException ex) {
			// left for the OS to clean
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
