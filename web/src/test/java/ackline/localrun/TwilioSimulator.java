package ackline.localrun;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Twilio-compatible Messages API on loopback, faithful to what the Twilio Java SDK 13 sends and parses, with
 * signed status callbacks and per-number scripts for the failures a real provider produces.
 */
public final class TwilioSimulator implements AutoCloseable {

	public static final String API_VERSION = "2010-04-01";

	/** A fake but well-formed account SID ({@code AC} + 32 hex digits). */
	public static final String DEFAULT_ACCOUNT_SID = "AC10ca1a0c1c1e00000000000000000001";

	public static final String DEFAULT_AUTH_TOKEN = "local-twilio-auth-token";

	private static final Logger log = LoggerFactory.getLogger(TwilioSimulator.class);

	private static final Pattern MESSAGES_PATH = Pattern.compile("^/2010-04-01/Accounts/([^/]+)/Messages\\.json$");

	private static final Pattern MESSAGE_PATH = Pattern.compile("^/2010-04-01/Accounts/([^/]+)/Messages/([^/]+)\\.json$");

	private static final Pattern E164 = Pattern.compile("^\\+[1-9]\\d{6,14}$");

	// Twilio accepts alphanumeric sender ids (up to 11 characters, at least one letter) as From.
	private static final Pattern ALPHANUMERIC_SENDER = Pattern.compile("^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$");

	private static final DateTimeFormatter RFC_2822 = DateTimeFormatter
		.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US)
		.withZone(ZoneOffset.UTC);

	private static final HexFormat HEX = HexFormat.of();

	/** Status callbacks posted at once at most, as a provider spreads its own; the rest wait their turn. */
	static final int CALLBACKS_IN_FLIGHT = 64;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static {
		// The JDK server writes headers and body in separate segments; with Nagle on, every answer then waits for the
		// client's delayed ACK (~40 ms), which caps a client at ~25 requests a second. Read once per JVM.
		if (System.getProperty("sun.net.httpserver.nodelay") == null) {
			System.setProperty("sun.net.httpserver.nodelay", "true");
		}
	}

	private final Settings settings;

	private final HttpServer server;

	private final ExecutorService serverThreads;

	private final ScheduledExecutorService scheduler;

	private final ExecutorService callbackThreads;

	private final HttpClient callbackClient;

	private final Map<String, StoredMessage> bySid = new ConcurrentHashMap<>();

	private final List<StoredMessage> ordered = Collections.synchronizedList(new ArrayList<>());

	private final Map<String, Script> scripts = new ConcurrentHashMap<>();

	private volatile Script defaultScript = new Script();

	private final List<StatusCallback> callbacks = Collections.synchronizedList(new ArrayList<>());

	private final Semaphore callbackSlots = new Semaphore(CALLBACKS_IN_FLIGHT);

	private final Queue<Runnable> waitingCallbacks = new ConcurrentLinkedQueue<>();

	private final AtomicInteger callbackStarters = new AtomicInteger();

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong createRequests = new AtomicLong();

	private volatile boolean closed;

	private TwilioSimulator(Settings settings) throws IOException {
		this.settings = settings;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 1024);
		this.serverThreads = Executors.newFixedThreadPool(settings.serverThreads(), daemon("twilio-sim-http"));
		this.server.setExecutor(this.serverThreads);
		this.server.createContext("/", this::handle);
		this.scheduler = Executors.newScheduledThreadPool(1, daemon("twilio-sim-timer"));
		this.callbackThreads = Executors.newFixedThreadPool(4, daemon("twilio-sim-callback"));
		this.callbackClient = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.executor(this.callbackThreads)
			.build();
		this.server.start();
	}

	/** Starts a simulator on loopback; port 0 in the settings picks a free one. */
	public static TwilioSimulator start(Settings settings) {
		try {
			TwilioSimulator simulator = new TwilioSimulator(settings);
			log.info("Twilio simulator listening on {} (account {})", simulator.baseUrl(), settings.accountSid());
			return simulator;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Twilio simulator could not listen on port " + settings.port(), ex);
		}
	}

	public static TwilioSimulator start() {
		return start(Settings.defaults());
	}

	public Settings settings() {
		return this.settings;
	}

	public int port() {
		return this.server.getAddress().getPort();
	}

	/** What {@code ackline.twilio.api-base-url} points at: {@code http://localhost:PORT}. */
	public String baseUrl() {
		return "http://localhost:" + port();
	}

	public String accountSid() {
		return this.settings.accountSid();
	}

	public String authToken() {
		return this.settings.authToken();
	}

	// ---------------------------------------------------------------- scripts

	/**
	 * The script for messages to {@code number}, created empty on first use. A number with its own script ignores
	 * {@link #defaultScript()}.
	 */
	public Script script(String number) {
		return this.scripts.computeIfAbsent(number, n -> new Script());
	}

	/** The script for every number that has none of its own (e.g. a response delay for a whole benchmark). */
	public Script defaultScript() {
		return this.defaultScript;
	}

	private Script scriptFor(String number) {
		Script own = (number != null) ? this.scripts.get(number) : null;
		return (own != null) ? own : this.defaultScript;
	}

	// ---------------------------------------------------------------- store

	/** Every message, both directions, oldest first. */
	public List<SimulatedMessage> messages() {
		return snapshot(m -> true);
	}

	/** Messages sent to {@code number} (outbound ones to a client; inbound ones to our sender number), oldest first. */
	public List<SimulatedMessage> messagesTo(String number) {
		return snapshot(m -> m.to.equals(number));
	}

	/** Messages to or from {@code number}, oldest first: a client's phone as it sees the thread. */
	public List<SimulatedMessage> conversation(String number) {
		return snapshot(m -> m.to.equals(number) || m.from.equals(number));
	}

	public Optional<SimulatedMessage> message(String sid) {
		return Optional.ofNullable(this.bySid.get(sid)).map(StoredMessage::snapshot);
	}

	/** How many outbound messages have a body containing {@code text}: more than one means a duplicate send. */
	public long countBodiesContaining(String text) {
		synchronized (this.ordered) {
			return this.ordered.stream().filter(m -> m.outbound() && m.body.contains(text)).count();
		}
	}

	/** Every HTTP request the API received, whatever its answer. */
	public long requestCount() {
		return this.requests.get();
	}

	/** Create requests ({@code POST .../Messages.json}) received, including refused and failed ones. */
	public long createRequestCount() {
		return this.createRequests.get();
	}

	/** Status callbacks posted so far, each attempt separately, in the order they completed. */
	public List<StatusCallback> callbacks() {
		synchronized (this.callbacks) {
			return List.copyOf(this.callbacks);
		}
	}

	/** Waits until {@code number} has received at least {@code count} messages and returns them. */
	public List<SimulatedMessage> awaitMessagesTo(String number, int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<SimulatedMessage> received = messagesTo(number);
			if (received.size() >= count) {
				return received;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Expected " + count + " messages to " + number + " within " + timeout
						+ " but got " + received.size());
			}
			sleep(Duration.ofMillis(20));
		}
	}

	/** Forgets every message, script, callback and counter. */
	public void reset() {
		synchronized (this.ordered) {
			this.ordered.clear();
			this.bySid.clear();
		}
		this.scripts.clear();
		this.defaultScript = new Script();
		this.callbacks.clear();
		this.requests.set(0);
		this.createRequests.set(0);
	}

	private List<SimulatedMessage> snapshot(Predicate<StoredMessage> filter) {
		List<StoredMessage> copy;
		synchronized (this.ordered) {
			copy = new ArrayList<>(this.ordered);
		}
		return copy.stream().filter(filter).map(StoredMessage::snapshot).toList();
	}

	private void store(StoredMessage message) {
		synchronized (this.ordered) {
			this.ordered.add(message);
			this.bySid.put(message.sid, message);
		}
	}

	// ---------------------------------------------------------------- inbound

	/**
	 * Plays the client's reply as Twilio delivers it: a form-encoded webhook signed over {@code signedUrl} (the app's
	 * public URL) and posted to {@code webhookUrl} (where the app really listens). The message is stored as inbound.
	 */
	public WebhookResponse deliverInboundSms(String webhookUrl, String signedUrl, String from, String to, String body) {
		Instant now = Instant.now();
		StoredMessage message = new StoredMessage(newSid("SM"), accountSid(), "inbound", from, to, body, null,
				segments(body), now, Map.of());
		message.advance("received", null, now);
		Map<String, String> params = new LinkedHashMap<>();
		params.put("ToCountry", country(to));
		params.put("SmsMessageSid", message.sid);
		params.put("NumMedia", "0");
		params.put("SmsSid", message.sid);
		params.put("SmsStatus", "received");
		params.put("Body", body);
		params.put("FromCountry", country(from));
		params.put("To", to);
		params.put("NumSegments", Integer.toString(message.numSegments));
		params.put("MessageSid", message.sid);
		params.put("AccountSid", accountSid());
		params.put("From", from);
		params.put("ApiVersion", API_VERSION);
		store(message);
		HttpRequest request = HttpRequest.newBuilder(URI.create(webhookUrl))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
			.header("User-Agent", "TwilioProxy/1.1")
			.header("X-Twilio-Signature", signature(authToken(), signedUrl, params))
			.header("I-Twilio-Idempotency-Token", newSid(""))
			.POST(HttpRequest.BodyPublishers.ofString(formEncode(params)))
			.build();
		try {
			HttpResponse<String> response = this.callbackClient.send(request,
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			return new WebhookResponse(message.sid, response.statusCode(),
					response.headers().firstValue("Content-Type").orElse(null), response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Inbound SMS webhook to " + webhookUrl + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while posting the inbound SMS webhook", ex);
		}
	}

	// ---------------------------------------------------------------- signatures

	/**
	 * Twilio's request signature: base64 of HMAC-SHA1, keyed by the auth token, over the URL followed by every
	 * parameter name and value sorted by name.
	 */
	public static String signature(String authToken, String url, Map<String, String> params) {
		StringBuilder data = new StringBuilder(url);
		new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
		try {
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
			return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA1 is missing from this JVM", ex);
		}
	}

	// ---------------------------------------------------------------- HTTP

	private void handle(HttpExchange exchange) {
		try {
			this.requests.incrementAndGet();
			String path = exchange.getRequestURI().getRawPath();
			String method = exchange.getRequestMethod();
			Matcher messages = MESSAGES_PATH.matcher(path);
			Matcher message = MESSAGE_PATH.matcher(path);
			if (!messages.matches() && !message.matches()) {
				respond(exchange, ApiError.notFound(path));
				return;
			}
			if (!authenticated(exchange)) {
				exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"Twilio API\"");
				respond(exchange, ApiError.of(20003, 401, "Authenticate"));
				return;
			}
			String account = messages.matches() ? messages.group(1) : message.group(1);
			if (!account.equals(accountSid())) {
				respond(exchange, ApiError.notFound(path));
				return;
			}
			if (messages.matches() && method.equals("POST")) {
				create(exchange);
			}
			else if (messages.matches() && method.equals("GET")) {
				list(exchange);
			}
			else if (message.matches() && method.equals("GET")) {
				fetch(exchange, message.group(2), path);
			}
			else {
				respond(exchange, ApiError.of(20004, 405, "Method not allowed"));
			}
		}
		catch (IOException ex) {
			// typically a client that timed out and hung up before a delayed answer
			log.debug("Twilio simulator could not answer {} {}: {}", exchange.getRequestMethod(),
					exchange.getRequestURI(), ex.toString());
		}
		catch (RuntimeException ex) {
			log.warn("Twilio simulator failed to answer {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), ex);
			try {
				respond(exchange, ApiError.of(20500, 500, "An internal server error has occurred"));
			}
			catch (IOException | RuntimeException ignored) {
				// the client is gone or the response was already started
			}
		}
		finally {
			exchange.close();
		}
	}

	private boolean authenticated(HttpExchange exchange) {
		String header = exchange.getRequestHeaders().getFirst("Authorization");
		if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
			return false;
		}
		String expected = accountSid() + ":" + authToken();
		try {
			String given = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
			return given.equals(expected);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private void create(HttpExchange exchange) throws IOException {
		this.createRequests.incrementAndGet();
		Map<String, List<String>> form = parseForm(readBody(exchange));
		String to = first(form, "To");
		String from = first(form, "From");
		String messagingService = first(form, "MessagingServiceSid");
		String body = Objects.requireNonNullElse(first(form, "Body"), "");
		List<String> media = form.getOrDefault("MediaUrl", List.of());
		String statusCallback = first(form, "StatusCallback");
		Script script = scriptFor(to);

		Integer transientStatus = script.takeTransientFailure();
		if (transientStatus != null) {
			respond(exchange, ApiError.transientFailure(transientStatus));
			return;
		}
		if (to == null || to.isBlank()) {
			respond(exchange, ApiError.of(21604, 400, "A 'To' phone number is required."));
			return;
		}
		if ((from == null || from.isBlank()) && messagingService == null) {
			respond(exchange, ApiError.of(21603, 400, "A 'From' phone number is required."));
			return;
		}
		if (body.isEmpty() && media.isEmpty()) {
			respond(exchange, ApiError.of(21602, 400, "Message body is required."));
			return;
		}
		if (!E164.matcher(to).matches()) {
			respond(exchange, ApiError.permanent(21211, to, from));
			return;
		}
		if (from != null && !E164.matcher(from).matches() && !ALPHANUMERIC_SENDER.matcher(from).matches()) {
			respond(exchange, ApiError.of(21212, 400, "The 'From' number " + from
					+ " is not a valid phone number, shortcode, or alphanumeric sender ID."));
			return;
		}
		if (body.length() > 1600) {
			respond(exchange, ApiError.of(21617, 400, "The concatenated message body exceeds the 1600 character limit."));
			return;
		}
		if (statusCallback != null && !statusCallback.startsWith("http://") && !statusCallback.startsWith("https://")) {
			respond(exchange, ApiError.of(21609, 400, "Invalid StatusCallback url: " + statusCallback));
			return;
		}
		Integer rejection = script.permanentError();
		if (rejection != null) {
			respond(exchange, ApiError.permanent(rejection, to, from));
			return;
		}

		Map<String, String> parameters = new LinkedHashMap<>();
		form.forEach((name, values) -> parameters.put(name, String.join(",", values)));
		StoredMessage message = new StoredMessage(newSid("SM"), accountSid(), "outbound-api",
				(from != null) ? from : messagingService, to, body, statusCallback, segments(body), Instant.now(),
				parameters);
		message.messagingServiceSid = messagingService;
		message.numMedia = media.size();
		store(message);
		// the stored status moves on and callbacks flow even when the client never reads this answer (time-out)
		startLifecycle(message, script.callbackSequence(), script.errorCode());
		Duration delay = script.takeDelay();
		if (!delay.isZero()) {
			sleep(delay);
		}
		respond(exchange, 201, JSON.writeValueAsBytes(message.toJson()));
	}

	private void list(HttpExchange exchange) throws IOException {
		Map<String, List<String>> query = parseForm(exchange.getRequestURI().getRawQuery());
		String to = first(query, "To");
		String from = first(query, "From");
		DateFilter dateFilter;
		try {
			dateFilter = DateFilter.of(first(query, "DateSent>"), first(query, "DateSent<"), first(query, "DateSent"));
		}
		catch (DateTimeParseException ex) {
			respond(exchange, ApiError.of(20001, 400, "Invalid DateSent: " + ex.getParsedString()));
			return;
		}
		int pageSize = Math.max(1, Math.min(1000, intParam(query, "PageSize", 50)));
		int page = Math.max(0, intParam(query, "Page", 0));
		String pageToken = first(query, "PageToken");

		List<StoredMessage> matching;
		synchronized (this.ordered) {
			matching = new ArrayList<>(this.ordered);
		}
		matching.removeIf(m -> (to != null && !m.to.equals(to)) || (from != null && !m.from.equals(from))
				|| !dateFilter.test(m.filterDate()));
		Collections.reverse(matching); // Twilio lists newest first
		int start = page * pageSize;
		if (pageToken != null && pageToken.length() > 2) {
			int anchor = indexOfSid(matching, pageToken.substring(2));
			if (anchor >= 0) {
				start = pageToken.startsWith("PB") ? Math.max(0, anchor - pageSize) : anchor + 1;
			}
		}
		start = Math.min(start, matching.size());
		int end = Math.min(start + pageSize, matching.size());
		List<StoredMessage> records = matching.subList(start, end);

		String base = "/2010-04-01/Accounts/" + accountSid() + "/Messages.json";
		StringBuilder filters = new StringBuilder();
		appendQuery(filters, "To", to);
		appendQuery(filters, "From", from);
		appendQuery(filters, "DateSent>", first(query, "DateSent>"));
		appendQuery(filters, "DateSent<", first(query, "DateSent<"));
		appendQuery(filters, "DateSent", first(query, "DateSent"));
		appendQuery(filters, "PageSize", Integer.toString(pageSize));
		String prefix = base + "?" + filters;
		Map<String, Object> envelope = new LinkedHashMap<>();
		envelope.put("end", Math.max(start, end - 1));
		envelope.put("first_page_uri", prefix + "&Page=0");
		envelope.put("messages", records.stream().map(StoredMessage::toJson).toList());
		envelope.put("next_page_uri", (end < matching.size())
				? prefix + "&Page=" + (page + 1) + "&PageToken=PA" + records.get(records.size() - 1).sid : null);
		envelope.put("page", page);
		envelope.put("page_size", pageSize);
		envelope.put("previous_page_uri", (start > 0 && !records.isEmpty())
				? prefix + "&Page=" + Math.max(0, page - 1) + "&PageToken=PB" + records.get(0).sid : null);
		envelope.put("start", start);
		envelope.put("uri", prefix + "&Page=" + page + ((pageToken != null) ? "&PageToken=" + pageToken : ""));
		respond(exchange, 200, JSON.writeValueAsBytes(envelope));
	}

	private void fetch(HttpExchange exchange, String sid, String path) throws IOException {
		StoredMessage message = this.bySid.get(sid);
		if (message == null) {
			respond(exchange, ApiError.notFound(path));
			return;
		}
		respond(exchange, 200, JSON.writeValueAsBytes(message.toJson()));
	}

	private static int indexOfSid(List<StoredMessage> messages, String sid) {
		for (int i = 0; i < messages.size(); i++) {
			if (messages.get(i).sid.equals(sid)) {
				return i;
			}
		}
		return -1;
	}

	private void respond(HttpExchange exchange, ApiError error) throws IOException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("code", error.code());
		body.put("message", error.message());
		body.put("more_info", "https://www.twilio.com/docs/errors/" + error.code());
		body.put("status", error.status());
		respond(exchange, error.status(), JSON.writeValueAsBytes(body));
	}

	private void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
		exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
		exchange.getResponseHeaders().set("Twilio-Request-Id", newSid("RQ"));
		exchange.sendResponseHeaders(status, (body.length == 0) ? -1 : body.length);
		if (body.length > 0) {
			exchange.getResponseBody().write(body);
		}
	}

	// ---------------------------------------------------------------- status callbacks

	private void startLifecycle(StoredMessage message, List<String> sequence, Integer errorCode) {
		step(message, sequence, 0, errorCode);
	}

	private void step(StoredMessage message, List<String> sequence, int index, Integer errorCode) {
		if (index >= sequence.size() || this.closed) {
			return;
		}
		Duration delay = (index == 0) ? this.settings.sentDelay() : this.settings.deliveredDelay();
		try {
			this.scheduler.schedule(() -> {
				String status = sequence.get(index);
				Integer code = isError(status) ? Objects.requireNonNullElse(errorCode, 30008) : null;
				message.advance(status, code, Instant.now());
				CompletableFuture<Boolean> posted = (this.settings.statusCallbacks() && message.statusCallback != null)
						? post(message, status, code, 1) : CompletableFuture.completedFuture(true);
				// the next status waits for this one's callback, as Twilio's own ordering would
				posted.whenComplete((ok, ex) -> step(message, sequence, index + 1, errorCode));
			}, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closing: pending callbacks are dropped
		}
	}

	private CompletableFuture<Boolean> post(StoredMessage message, String status, Integer errorCode, int attempt) {
		Map<String, String> params = new LinkedHashMap<>();
		params.put("SmsSid", message.sid);
		params.put("SmsStatus", status);
		params.put("MessageStatus", status);
		params.put("To", message.to);
		params.put("MessageSid", message.sid);
		params.put("AccountSid", message.accountSid);
		params.put("From", message.from);
		params.put("ApiVersion", API_VERSION);
		if (errorCode != null) {
			params.put("ErrorCode", errorCode.toString());
		}
		String url = message.statusCallback;
		HttpRequest request;
		try {
			request = HttpRequest.newBuilder(URI.create(url))
				.timeout(Duration.ofSeconds(10))
				.header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
				.header("User-Agent", "TwilioProxy/1.1")
				.header("X-Twilio-Signature", signature(authToken(), url, params))
				.header("I-Twilio-Idempotency-Token", newSid(""))
				.POST(HttpRequest.BodyPublishers.ofString(formEncode(params)))
				.build();
		}
		catch (IllegalArgumentException ex) {
			log.warn("Dropping {} callback for {}: bad StatusCallback URL {}", status, message.sid, url);
			return CompletableFuture.completedFuture(false);
		}
		return sendCallback(request)
			.handle((response, failure) -> {
				int code = (response != null) ? response.statusCode() : -1;
				this.callbacks.add(new StatusCallback(message.sid, status, errorCode, url, attempt, code, Instant.now()));
				return code >= 200 && code < 300;
			})
			.thenCompose(ok -> {
				if (ok || this.closed) {
					return CompletableFuture.completedFuture(ok);
				}
				if (attempt >= this.settings.callbackAttempts()) {
					log.warn("Dropping {} callback for {} to {} after {} attempts", status, message.sid, url, attempt);
					return CompletableFuture.completedFuture(false);
				}
				CompletableFuture<Boolean> retried = new CompletableFuture<>();
				try {
					this.scheduler.schedule(() -> post(message, status, errorCode, attempt + 1)
						.whenComplete((v, ex) -> retried.complete(Boolean.TRUE.equals(v))),
							this.settings.callbackRetryDelay().toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					retried.complete(false);
				}
				return retried;
			});
	}

	/**
	 * Posts a callback once fewer than {@value #CALLBACKS_IN_FLIGHT} are under way. The JDK client opens a connection
	 * per concurrent HTTP/1.1 request: unbounded, a burst of twenty thousand messages opened as many connections, ran
	 * this JVM (and the app in it, in tests) out of file descriptors and dropped most callbacks.
	 */
	private CompletableFuture<HttpResponse<Void>> sendCallback(HttpRequest request) {
		CompletableFuture<HttpResponse<Void>> result = new CompletableFuture<>();
		this.waitingCallbacks.add(() -> {
			CompletableFuture<HttpResponse<Void>> sent;
			try {
				sent = this.callbackClient.sendAsync(request, HttpResponse.BodyHandlers.discarding());
			}
			catch (RuntimeException ex) {
				sent = CompletableFuture.failedFuture(ex);
			}
			sent.whenComplete((response, failure) -> {
				this.callbackSlots.release();
				startWaitingCallbacks();
				if (failure != null) {
					result.completeExceptionally(failure);
				}
				else {
					result.complete(response);
				}
			});
		});
		startWaitingCallbacks();
		return result;
	}

	// one thread at a time starts waiting callbacks; a call meanwhile makes it look again (no recursion, no lost turn)
	private void startWaitingCallbacks() {
		if (this.callbackStarters.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			while (!this.waitingCallbacks.isEmpty() && this.callbackSlots.tryAcquire()) {
				Runnable next = this.waitingCallbacks.poll();
				if (next == null) {
					this.callbackSlots.release();
					break;
				}
				next.run();
			}
			missed = this.callbackStarters.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private static boolean isError(String status) {
		return status.equals("failed") || status.equals("undelivered");
	}

	// ---------------------------------------------------------------- lifecycle

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.server.stop(0);
		this.scheduler.shutdownNow();
		this.serverThreads.shutdownNow();
		this.callbackThreads.shutdownNow();
		log.info("Twilio simulator on port {} stopped", port());
	}

	// ---------------------------------------------------------------- helpers

	/** The number of SMS segments Twilio bills: GSM-7 160/153 characters, otherwise UCS-2 70/67. */
	static int segments(String body) {
		int septets = 0;
		boolean gsm = true;
		for (int i = 0; i < body.length() && gsm; i++) {
			char c = body.charAt(i);
			if (GSM_BASIC.indexOf(c) >= 0) {
				septets++;
			}
			else if (GSM_EXTENSION.indexOf(c) >= 0) {
				septets += 2;
			}
			else {
				gsm = false;
			}
		}
		if (gsm) {
			return (septets <= 160) ? 1 : (septets + 152) / 153;
		}
		int units = body.length();
		return (units <= 70) ? 1 : (units + 66) / 67;
	}

	private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
			+ "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

	private static final String GSM_EXTENSION = "^{}\\[~]|€\f";

	private static String country(String number) {
		if (number.startsWith("+86")) {
			return "CN";
		}
		if (number.startsWith("+852")) {
			return "HK";
		}
		if (number.startsWith("+1")) {
			return "US";
		}
		return "";
	}

	static String newSid(String prefix) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return prefix + HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
	}

	private static String readBody(HttpExchange exchange) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	static Map<String, List<String>> parseForm(String encoded) {
		Map<String, List<String>> form = new LinkedHashMap<>();
		if (encoded == null || encoded.isEmpty()) {
			return form;
		}
		for (String pair : encoded.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			String name = URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
			String value = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			form.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
		}
		return form;
	}

	static String formEncode(Map<String, String> params) {
		StringBuilder out = new StringBuilder();
		params.forEach((name, value) -> appendQuery(out, name, value));
		return out.toString();
	}

	private static void appendQuery(StringBuilder out, String name, String value) {
		if (value == null) {
			return;
		}
		if (out.length() > 0) {
			out.append('&');
		}
		out.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
			.append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8));
	}

	private static String first(Map<String, List<String>> form, String name) {
		List<String> values = form.get(name);
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

	private static int intParam(Map<String, List<String>> query, String name, int fallback) {
		try {
			String value = first(query, name);
			return (value != null) ? Integer.parseInt(value) : fallback;
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static ThreadFactory daemon(String name) {
		AtomicInteger counter = new AtomicInteger();
		return runnable -> {
			Thread thread = new Thread(runnable, name + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	// ---------------------------------------------------------------- types

	/**
	 * How the simulator runs.
	 *
	 * @param port TCP port on loopback, 0 for a free one
	 * @param accountSid the only account the API answers for ({@code AC} + 32 hex digits)
	 * @param authToken the account's auth token: checked on every API call, signs every webhook
	 * @param statusCallbacks whether to post status callbacks at all (statuses still advance when off)
	 * @param sentDelay from acceptance to the first status ({@code sent})
	 * @param deliveredDelay between later statuses ({@code delivered} ...)
	 * @param callbackAttempts tries per callback before it is dropped (Twilio itself gives up quickly too)
	 * @param callbackRetryDelay pause between those tries
	 * @param serverThreads threads answering the API; responses delayed by a script hold one each
	 */
	public record Settings(int port, String accountSid, String authToken, boolean statusCallbacks, Duration sentDelay,
			Duration deliveredDelay, int callbackAttempts, Duration callbackRetryDelay, int serverThreads) {

		public Settings {
			if (!accountSid.matches("^AC[0-9a-f]{32}$")) {
				throw new IllegalArgumentException("accountSid must be AC followed by 32 hex digits: " + accountSid);
			}
			Objects.requireNonNull(authToken, "authToken");
			if (sentDelay.isNegative() || deliveredDelay.isNegative() || callbackRetryDelay.isNegative()) {
				throw new IllegalArgumentException("delays must not be negative");
			}
			if (callbackAttempts < 1 || serverThreads < 1) {
				throw new IllegalArgumentException("callbackAttempts and serverThreads must be at least 1");
			}
		}

		/** A free port, the default account, the auth token from {@code ACKLINE_TWILIO_AUTH_TOKEN} if set. */
		public static Settings defaults() {
			String token = System.getenv("ACKLINE_TWILIO_AUTH_TOKEN");
			return new Settings(0, DEFAULT_ACCOUNT_SID, (token == null || token.isBlank()) ? DEFAULT_AUTH_TOKEN : token,
					true, Duration.ofMillis(200), Duration.ofMillis(500), 3, Duration.ofMillis(500), 32);
		}

		public Settings withPort(int port) {
			return new Settings(port, this.accountSid, this.authToken, this.statusCallbacks, this.sentDelay,
					this.deliveredDelay, this.callbackAttempts, this.callbackRetryDelay, this.serverThreads);
		}

		public Settings withAccount(String accountSid, String authToken) {
			return new Settings(this.port, accountSid, authToken, this.statusCallbacks, this.sentDelay,
					this.deliveredDelay, this.callbackAttempts, this.callbackRetryDelay, this.serverThreads);
		}

		public Settings withStatusCallbacks(boolean statusCallbacks) {
			return new Settings(this.port, this.accountSid, this.authToken, statusCallbacks, this.sentDelay,
					this.deliveredDelay, this.callbackAttempts, this.callbackRetryDelay, this.serverThreads);
		}

		public Settings withDelays(Duration sentDelay, Duration deliveredDelay) {
			return new Settings(this.port, this.accountSid, this.authToken, this.statusCallbacks, sentDelay,
					deliveredDelay, this.callbackAttempts, this.callbackRetryDelay, this.serverThreads);
		}

		public Settings withCallbackRetries(int callbackAttempts, Duration callbackRetryDelay) {
			return new Settings(this.port, this.accountSid, this.authToken, this.statusCallbacks, this.sentDelay,
					this.deliveredDelay, callbackAttempts, callbackRetryDelay, this.serverThreads);
		}

		public Settings withServerThreads(int serverThreads) {
			return new Settings(this.port, this.accountSid, this.authToken, this.statusCallbacks, this.sentDelay,
					this.deliveredDelay, this.callbackAttempts, this.callbackRetryDelay, serverThreads);
		}

	}

	/**
	 * What the simulator does with messages to one number. Every method is thread-safe and returns this script, so
	 * calls chain: {@code simulator.script("+8613800000001").failTransiently(2, 429).finalStatus("undelivered", 30003)}.
	 */
	public static final class Script {

		private Integer permanentError;

		private int transientFailures;

		private int transientStatus = 429;

		private Duration delay = Duration.ZERO;

		private int delayedResponses;

		private List<String> callbackSequence;

		private Integer errorCode;

		/**
		 * Refuses every message with a Twilio error code: 21211 invalid number, 21610 unsubscribed (the client
		 * texted STOP), 21408 region not enabled, 21612 unreachable, 21614 not a mobile number; HTTP 400.
		 */
		public synchronized Script reject(int twilioErrorCode) {
			this.permanentError = twilioErrorCode;
			return this;
		}

		/** Fails the next {@code times} create requests with HTTP 429 (code 20429), 500 (20500) or 503 (20503). */
		public synchronized Script failTransiently(int times, int httpStatus) {
			if (httpStatus != 429 && httpStatus != 500 && httpStatus != 503) {
				throw new IllegalArgumentException("Transient failures are 429, 500 or 503, not " + httpStatus);
			}
			this.transientFailures = times;
			this.transientStatus = httpStatus;
			return this;
		}

		/**
		 * Answers every create request only after {@code delay}; the message is accepted (stored, callbacks sent)
		 * before the wait, as when a provider's answer is lost to a client time-out.
		 */
		public synchronized Script delayResponses(Duration delay) {
			return delayFirst(Integer.MAX_VALUE, delay);
		}

		/** As {@link #delayResponses(Duration)} for the next {@code times} create requests only. */
		public synchronized Script delayFirst(int times, Duration delay) {
			this.delay = delay;
			this.delayedResponses = times;
			return this;
		}

		/**
		 * Ends the message {@code undelivered} (after {@code sent}) or {@code failed} (at once) with a carrier
		 * error code such as 30003 unreachable handset, 30005 unknown handset, 30006 landline, 30007 filtered.
		 */
		public synchronized Script finalStatus(String status, int errorCode) {
			if (!isError(status)) {
				throw new IllegalArgumentException("Final error status is undelivered or failed, not " + status);
			}
			this.callbackSequence = status.equals("failed") ? List.of("failed") : List.of("sent", "undelivered");
			this.errorCode = errorCode;
			return this;
		}

		/**
		 * Posts exactly these statuses in this order, e.g. {@code "delivered", "sent"} (out of order) or
		 * {@code "sent", "sent", "delivered"} (duplicate); none at all leaves the message {@code queued}.
		 */
		public synchronized Script callbacks(String... statuses) {
			this.callbackSequence = List.of(statuses);
			return this;
		}

		/** The error code posted with {@code failed} or {@code undelivered} statuses in {@link #callbacks}. */
		public synchronized Script errorCode(int errorCode) {
			this.errorCode = errorCode;
			return this;
		}

		/** Back to a healthy number: accepted at once, {@code sent} then {@code delivered}. */
		public synchronized Script clear() {
			this.permanentError = null;
			this.transientFailures = 0;
			this.delay = Duration.ZERO;
			this.delayedResponses = 0;
			this.callbackSequence = null;
			this.errorCode = null;
			return this;
		}

		synchronized Integer takeTransientFailure() {
			if (this.transientFailures <= 0) {
				return null;
			}
			this.transientFailures--;
			return this.transientStatus;
		}

		synchronized Integer permanentError() {
			return this.permanentError;
		}

		synchronized Duration takeDelay() {
			if (this.delayedResponses <= 0) {
				return Duration.ZERO;
			}
			this.delayedResponses--;
			return this.delay;
		}

		synchronized List<String> callbackSequence() {
			return (this.callbackSequence != null) ? this.callbackSequence : List.of("sent", "delivered");
		}

		synchronized Integer errorCode() {
			return this.errorCode;
		}

	}

	/**
	 * A message as the simulator holds it, at the moment it was read.
	 *
	 * @param direction {@code outbound-api} for messages the app sent, {@code inbound} for client replies
	 * @param parameters the create request's form parameters as received (empty for inbound)
	 */
	public record SimulatedMessage(String sid, String accountSid, String direction, String from, String to,
			String body, String status, Integer errorCode, int numSegments, String statusCallback,
			Instant dateCreated, Instant dateSent, Instant dateUpdated, Map<String, String> parameters) {

		public boolean outbound() {
			return this.direction.startsWith("outbound");
		}

	}

	/** One status callback attempt: what was posted where, and the HTTP status it got (-1 when it got none). */
	public record StatusCallback(String messageSid, String status, Integer errorCode, String url, int attempt,
			int httpStatus, Instant at) {
	}

	/** The app's answer to an inbound SMS webhook. */
	public record WebhookResponse(String messageSid, int status, String contentType, String body) {
	}

	private record ApiError(int code, int status, String message) {

		static ApiError of(int code, int status, String message) {
			return new ApiError(code, status, message);
		}

		static ApiError notFound(String path) {
			return of(20404, 404, "The requested resource " + path + " was not found");
		}

		static ApiError transientFailure(int httpStatus) {
			return switch (httpStatus) {
				case 429 -> of(20429, 429, "Too Many Requests");
				case 503 -> of(20503, 503, "Service Unavailable");
				default -> of(20500, 500, "An internal server error has occurred");
			};
		}

		static ApiError permanent(int code, String to, String from) {
			return switch (code) {
				case 21211 -> of(code, 400, "The 'To' number " + to + " is not a valid phone number.");
				case 21408 -> of(code, 400, "Permission to send an SMS has not been enabled for the region "
						+ "indicated by the 'To' number: " + to + ".");
				case 21610 -> of(code, 400, "Attempt to send to unsubscribed recipient");
				case 21612 -> of(code, 400, "The 'To' phone number: " + to
						+ ", is not currently reachable using the 'From' phone number: " + from + " via SMS.");
				case 21614 -> of(code, 400, "'To' number " + to + " is not a valid mobile number");
				case 20003 -> of(code, 401, "Authenticate");
				case 20429 -> transientFailure(429);
				case 20500 -> transientFailure(500);
				case 20503 -> transientFailure(503);
				default -> of(code, 400, "Error " + code + " (scripted by the Twilio simulator)");
			};
		}

	}

	private static String deliveryErrorMessage(Integer code) {
		if (code == null) {
			return null;
		}
		return switch (code) {
			case 30001 -> "Queue overflow";
			case 30002 -> "Account suspended";
			case 30003 -> "Unreachable destination handset";
			case 30004 -> "Message blocked";
			case 30005 -> "Unknown destination handset";
			case 30006 -> "Landline or unreachable carrier";
			case 30007 -> "Message filtered";
			default -> "Unknown error";
		};
	}

	/** Twilio's DateSent filter: {@code >} and {@code <} bounds are inclusive; a bare date means that UTC day. */
	private record DateFilter(Instant from, Instant until) {

		static DateFilter of(String after, String before, String on) {
			Instant from = null;
			Instant until = null;
			if (after != null) {
				from = parse(after, false);
			}
			if (before != null) {
				until = parse(before, true);
			}
			if (on != null) {
				from = parse(on, false);
				until = parse(on, true);
			}
			return new DateFilter(from, until);
		}

		// the SDK sends yyyy-MM-dd'T'HH:mm:ss in UTC for ZonedDateTime filters; people type yyyy-MM-dd
		private static Instant parse(String value, boolean endOfRange) {
			String text = value.endsWith("Z") ? value.substring(0, value.length() - 1) : value;
			if (text.length() <= 10) {
				LocalDate day = LocalDate.parse(text);
				return endOfRange ? day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1)
						: day.atStartOfDay(ZoneOffset.UTC).toInstant();
			}
			Instant instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
			return endOfRange ? instant.plusSeconds(1).minusNanos(1) : instant;
		}

		boolean test(Instant date) {
			return (this.from == null || !date.isBefore(this.from)) && (this.until == null || !date.isAfter(this.until));
		}

	}

	private static final class StoredMessage {

		final String sid;

		final String accountSid;

		final String direction;

		final String from;

		final String to;

		final String body;

		final String statusCallback;

		final int numSegments;

		final Instant dateCreated;

		final Map<String, String> parameters;

		volatile String messagingServiceSid;

		volatile int numMedia;

		private String status;

		private Integer errorCode;

		private Instant dateSent;

		private Instant dateUpdated;

		StoredMessage(String sid, String accountSid, String direction, String from, String to, String body,
				String statusCallback, int numSegments, Instant dateCreated, Map<String, String> parameters) {
			this.sid = sid;
			this.accountSid = accountSid;
			this.direction = direction;
			this.from = from;
			this.to = to;
			this.body = body;
			this.statusCallback = statusCallback;
			this.numSegments = numSegments;
			this.dateCreated = dateCreated;
			this.parameters = Map.copyOf(parameters);
			this.status = "queued";
			this.dateUpdated = dateCreated;
		}

		boolean outbound() {
			return this.direction.startsWith("outbound");
		}

		// duplicate and out-of-order callbacks must not move the resource backwards, as on Twilio
		synchronized void advance(String newStatus, Integer newErrorCode, Instant at) {
			if (rank(newStatus) >= rank(this.status)) {
				this.status = newStatus;
				if (newErrorCode != null) {
					this.errorCode = newErrorCode;
				}
			}
			if (this.dateSent == null && !newStatus.equals("failed")) {
				this.dateSent = at;
			}
			this.dateUpdated = at;
		}

		private static int rank(String status) {
			return switch (status) {
				case "accepted", "queued", "scheduled" -> 0;
				case "sending" -> 1;
				case "sent" -> 2;
				default -> 3;
			};
		}

		// a message still queued is found by its creation time, since the simulator sends at once
		synchronized Instant filterDate() {
			return (this.dateSent != null) ? this.dateSent : this.dateCreated;
		}

		synchronized SimulatedMessage snapshot() {
			return new SimulatedMessage(this.sid, this.accountSid, this.direction, this.from, this.to, this.body,
					this.status, this.errorCode, this.numSegments, this.statusCallback, this.dateCreated,
					this.dateSent, this.dateUpdated, this.parameters);
		}

		synchronized Map<String, Object> toJson() {
			String uri = "/2010-04-01/Accounts/" + this.accountSid + "/Messages/" + this.sid;
			Map<String, Object> json = new LinkedHashMap<>();
			json.put("account_sid", this.accountSid);
			json.put("api_version", API_VERSION);
			json.put("body", this.body);
			json.put("date_created", RFC_2822.format(this.dateCreated));
			json.put("date_sent", (this.dateSent != null) ? RFC_2822.format(this.dateSent) : null);
			json.put("date_updated", RFC_2822.format(this.dateUpdated));
			json.put("direction", this.direction);
			json.put("error_code", this.errorCode);
			json.put("error_message", deliveryErrorMessage(this.errorCode));
			json.put("from", this.from);
			json.put("messaging_service_sid", this.messagingServiceSid);
			json.put("num_media", Integer.toString(this.numMedia));
			json.put("num_segments", Integer.toString(this.numSegments));
			json.put("price", null);
			json.put("price_unit", "USD");
			json.put("sid", this.sid);
			json.put("status", this.status);
			json.put("subresource_uris",
					Map.of("media", uri + "/Media.json", "feedback", uri + "/Feedback.json"));
			json.put("to", this.to);
			json.put("uri", uri + ".json");
			return json;
		}

	}

}
