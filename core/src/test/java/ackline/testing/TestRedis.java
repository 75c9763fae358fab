package ackline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

import redis.embedded.RedisServer;

/**
 * Redis for tests: the machine's (127.0.0.1:6379, as CI provides it, or {@code ACKLINE_TEST_REDIS_URL}),
 * else an embedded redis-server started once for the test JVM, so the suite also runs where only a JDK is.
 */
public final class TestRedis {

	private static String url;

	private TestRedis() {
	}

	public static synchronized String url() {
		if (url == null) {
			String configured = System.getenv("ACKLINE_TEST_REDIS_URL");
			String candidate = configured == null || configured.isBlank() ? "redis://127.0.0.1:6379" : configured;
			URI uri = URI.create(candidate);
			url = reachable(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()) ? candidate : startEmbedded();
		}
		return url;
	}

	public static boolean reachable(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String startEmbedded() {
		int port = freePort();
		try {
			RedisServer server = RedisServer.newRedisServer()
				.port(port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					server.stop();
				}
				catch (IOException ex) {
					// the JVM is going away either way
				}
			}));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No Redis on 127.0.0.1:6379 and the embedded one did not start", ex);
		}
		return "redis://127.0.0.1:" + port;
	}

}
