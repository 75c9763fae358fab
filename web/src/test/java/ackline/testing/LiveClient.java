package ackline.testing;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.converter.ByteArrayMessageConverter;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * A real STOMP-over-WebSocket client (Spring's {@link WebSocketStompClient} on the JSR-356 client) for tests and
 * benchmarks: connects as a user, subscribes, and collects every message's JSON with the time it arrived.
 */
public final class LiveClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final StompSession session;

	private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

	private final List<String> errors = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Throwable> closed = new CompletableFuture<>();

	/** One message: its destination, body and when it arrived ({@link System#currentTimeMillis()}). */
	public record Received(String destination, JsonNode body, long arrivedAtMillis) {

		public String type() {
			return body.get("type").asString();
		}

		public long seq() {
			return body.get("seq").asLong();
		}

		public JsonNode data() {
			return body.get("data");
		}

	}

	private LiveClient(WebSocketStompClient client, String url, WebSocketHttpHeaders handshake, StompHeaders connect)
			throws Exception {
		this.session = client.connectAsync(url, handshake, connect, new StompSessionHandlerAdapter() {
			@Override
			public void handleFrame(StompHeaders headers, Object payload) {
				errors.add(headers.getFirst("message") + " " + (payload instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : ""));
			}

			@Override
			public void handleException(StompSession s, StompCommand command, StompHeaders headers, byte[] payload,
					Throwable exception) {
				errors.add(exception.toString());
			}

			@Override
			public void handleTransportError(StompSession s, Throwable exception) {
				closed.complete(exception);
			}

			@Override
			public Type getPayloadType(StompHeaders headers) {
				return byte[].class;
			}
		}).get(15, TimeUnit.SECONDS);
	}

	public static WebSocketStompClient stompClient() {
		StandardWebSocketClient socket = new StandardWebSocketClient();
		// Tomcat's client gives a handshake 5 s by default: too little on a loaded 2-core machine
		socket.setUserProperties(Map.of("org.apache.tomcat.websocket.IO_TIMEOUT_MS", "60000"));
		WebSocketStompClient client = new WebSocketStompClient(socket);
		client.setMessageConverter(new ByteArrayMessageConverter() {
			@Override
			protected boolean supportsMimeType(org.springframework.messaging.MessageHeaders headers) {
				return true; // JSON bodies, taken as bytes
			}
		});
		client.setInboundMessageSizeLimit(1024 * 1024);
		return client;
	}

	/** Connects with HTTP Basic on the handshake, as a script would. */
	public static LiveClient basic(WebSocketStompClient client, int port, String user, String password) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.add("Authorization",
				"Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
		return new LiveClient(client, "ws://127.0.0.1:" + port + "/ws", headers, new StompHeaders());
	}

	public static LiveClient basic(int port, String user) throws Exception {
		return basic(stompClient(), port, user, user);
	}

	/** Connects with a browser's session cookie and the given STOMP CONNECT headers (e.g. the CSRF token). */
	public static LiveClient session(int port, String cookie, Map<String, String> connectHeaders) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.add("Cookie", cookie);
		headers.setOrigin("http://127.0.0.1:" + port);
		StompHeaders connect = new StompHeaders();
		connectHeaders.forEach(connect::add);
		return new LiveClient(stompClient(), "ws://127.0.0.1:" + port + "/ws", headers, connect);
	}

	public LiveClient subscribe(String destination) {
		session.subscribe(destination, new StompFrameHandler() {
			@Override
			public Type getPayloadType(StompHeaders headers) {
				return byte[].class;
			}

			@Override
			public void handleFrame(StompHeaders headers, Object payload) {
				received.add(new Received(destination, json.readTree((byte[]) payload), System.currentTimeMillis()));
			}
		});
		return this;
	}

	/** Subscribes with a handler of the raw bodies instead of collecting them (benchmarks: millions of messages). */
	public LiveClient subscribe(String destination, java.util.function.Consumer<byte[]> handler) {
		session.subscribe(destination, new StompFrameHandler() {
			@Override
			public Type getPayloadType(StompHeaders headers) {
				return byte[].class;
			}

			@Override
			public void handleFrame(StompHeaders headers, Object payload) {
				handler.accept((byte[]) payload);
			}
		});
		return this;
	}

	/** Sends a frame to a destination (the server is expected to refuse). */
	public void send(String destination, String body) {
		session.send(destination, body.getBytes(StandardCharsets.UTF_8));
	}

	/** Messages that arrived while an await looked for another: later awaits find them (streams interleave). */
	private final List<Received> backlog = new java.util.ArrayList<>();

	/**
	 * The first message matching {@code which} that no await took yet, within {@code wait}; fails if none comes.
	 * Others stay for later awaits: messages of different streams and entities may arrive in any order.
	 */
	public synchronized Received await(Predicate<Received> which, Duration wait) throws InterruptedException {
		for (java.util.Iterator<Received> it = backlog.iterator(); it.hasNext();) {
			Received r = it.next();
			if (which.test(r)) {
				it.remove();
				return r;
			}
		}
		long end = System.nanoTime() + wait.toNanos();
		while (true) {
			long left = end - System.nanoTime();
			Received next = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
			if (next == null) {
				throw new AssertionError("no matching live message within " + wait + "; errors: " + errors + "; not taken: "
						+ backlog.stream().map(r -> r.body().toString()).toList());
			}
			if (which.test(next)) {
				return next;
			}
			backlog.add(next);
		}
	}

	/** Whatever has arrived and not been taken yet. */
	public synchronized List<Received> drain() {
		List<Received> all = new java.util.ArrayList<>(backlog);
		backlog.clear();
		received.drainTo(all);
		return all;
	}

	public BlockingQueue<Received> queue() {
		return received;
	}

	public List<String> errors() {
		return errors;
	}

	public boolean connected() {
		return session.isConnected();
	}

	/** Completes with the transport error when the server closes the connection. */
	public CompletableFuture<Throwable> closed() {
		return closed;
	}

	@Override
	public void close() {
		if (session.isConnected()) {
			session.disconnect();
		}
	}

}
