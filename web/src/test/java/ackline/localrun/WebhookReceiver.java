package ackline.localrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** A tiny HTTP server on loopback that records the form posts it receives, for tests of outgoing webhooks. */
final class WebhookReceiver implements AutoCloseable {

	static {
		// see TwilioSimulator: without it each answer waits ~40 ms for a delayed ACK
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private final HttpServer server;

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private final AtomicInteger failuresLeft = new AtomicInteger();

	WebhookReceiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/", this::handle);
		this.server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
		this.server.start();
	}

	/** {@code http://localhost:PORT} + path. */
	String url(String pathAndQuery) {
		return "http://localhost:" + this.server.getAddress().getPort() + pathAndQuery;
	}

	/** Answers the next {@code times} posts with HTTP 500 (still recording them). */
	void failNext(int times) {
		this.failuresLeft.set(times);
	}

	Received take(Duration timeout) {
		try {
			Received next = this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (next == null) {
				throw new AssertionError("No webhook received within " + timeout);
			}
			return next;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	List<Received> take(int count, Duration timeout) {
		List<Received> all = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			all.add(take(timeout));
		}
		return all;
	}

	boolean nothingMoreWithin(Duration quiet) {
		try {
			return this.received.poll(quiet.toMillis(), TimeUnit.MILLISECONDS) == null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		Map<String, String> form = new LinkedHashMap<>();
		TwilioSimulator.parseForm(body).forEach((name, values) -> form.put(name, values.get(0)));
		String query = exchange.getRequestURI().getRawQuery();
		this.received.add(new Received(exchange.getRequestURI().getRawPath() + ((query != null) ? "?" + query : ""),
				exchange.getRequestHeaders().getFirst("X-Twilio-Signature"),
				exchange.getRequestHeaders().getFirst("Content-Type"), form));
		boolean fail = this.failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
		byte[] answer = "<Response/>".getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/xml");
		exchange.sendResponseHeaders(fail ? 500 : 200, answer.length);
		exchange.getResponseBody().write(answer);
		exchange.close();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/** One post: path with query, the signature header, the content type and the form fields. */
	record Received(String pathAndQuery, String signature, String contentType, Map<String, String> form) {
	}

}
