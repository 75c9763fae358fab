package ackline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import ackline.AcklineApplication;
import ackline.localrun.TwilioSimulator;
import ackline.notice.NoticeIntake;
import ackline.queue.WorkQueue;
import ackline.testing.Api;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The notice hub under load, end to end: N margin calls submitted in batches over the REST API, their SMS handed to
 * the Twilio simulator with the rate limit lifted, and N signed replies recorded as acknowledgements. Reports
 * accepted/s, sent/s, submit-to-provider latency and replies matched/s beside the goals, and asserts only that
 * nothing was lost or duplicated: speeds are printed, never asserted (this project has no timed assertions).
 * <p>
 * {@code ./mvnw -o -B -pl web test -Dtest=NoticeBenchmark -Dsurefire.excludedGroups=}; parameters in
 * {@link BenchmarkParameters}. The report also goes to {@code web/target/benchmark/notice-benchmark.txt}.
 */
@Tag("benchmark")
class NoticeBenchmark {

	static final double ACCEPTED_GOAL = 2_000;

	static final double SENT_GOAL = 1_000;

	static final double REPLIES_GOAL = 2_000;

	static final Path REPORT = Path.of("target", "benchmark", "notice-benchmark.txt");

	static final Path FLIGHT_RECORDING = Path.of("target", "benchmark", "notice-benchmark.jfr");

	private static final String SYSTEM_USER = "system";

	private static final Duration POLL = Duration.ofMillis(200);

	@Test
	void noticesAreAcceptedSentAndAcknowledgedNoneLostNoneTwice() throws Exception {
		BenchmarkParameters parameters = BenchmarkParameters.fromSystemProperties();
		// numbers 139 + 8 digits, a fresh range per run, so that the simulator's count per number is this run's
		int first = ThreadLocalRandom.current().nextInt(0, 100_000_000 - parameters.warmup() - parameters.notices());
		try (BenchmarkTarget target = (parameters.remote() == null) ? BenchmarkTarget.inProcess(parameters)
				: BenchmarkTarget.remote(parameters.remote())) {
			if (parameters.warmup() > 0) {
				System.out.printf("Warming up with %,d notices ...%n", parameters.warmup());
				new Run(target, parameters, first, parameters.warmup(), parameters.warmup(), false).execute();
			}
			Run run = new Run(target, parameters, first + parameters.warmup(), parameters.notices(),
					parameters.replies(), parameters.profile() && target.cpu != null);
			try (Recording recording = parameters.flightRecording() ? startFlightRecording() : null) {
				run.execute();
				if (recording != null) {
					recording.dump(FLIGHT_RECORDING);
					System.out.println("Flight recording (CPU samples, allocations, locks): " + FLIGHT_RECORDING
						.toAbsolutePath() + "; read with jfr print --events jdk.ExecutionSample or JDK Mission Control");
				}
			}
			String report = run.report();
			System.out.println(report);
			Files.createDirectories(REPORT.getParent());
			Files.writeString(REPORT, report, StandardCharsets.UTF_8);
			run.assertNothingLostOrDuplicated();
		}
	}

	/** One pass: accept, send, reply; with every figure and count it measured. */
	static final class Run {

		private final BenchmarkTarget target;

		private final BenchmarkParameters parameters;

		private final int firstNumber;

		private final int notices;

		private final int replies;

		private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

		private final HttpClient http;

		private final ExecutorService httpThreads;

		// kept for the whole run: a thread that ends takes its CPU time out of the meter's per-thread figures
		private final ExecutorService clientThreads = Executors.newCachedThreadPool(named("bench-client"));

		private final StackSampler sampler;

		private final String auth = "Basic " + Base64.getEncoder()
			.encodeToString((SYSTEM_USER + ":" + SYSTEM_USER).getBytes(StandardCharsets.UTF_8));

		private final List<String> problems = new ArrayList<>();

		private final Set<String> retryCauses = ConcurrentHashMap.newKeySet();

		private final Map<String, CpuMeter.Usage> cpu = new LinkedHashMap<>();

		private final Map<String, Map<String, Map<String, Double>>> profiles = new LinkedHashMap<>();

		private final UUID[] ids;

		private final List<String> loadAverages = new ArrayList<>();

		// phase 1
		private double acceptSeconds;

		private int submitRequests;

		private int submitRetries;

		private final AtomicInteger rejected = new AtomicInteger();

		private final AtomicInteger notCreated = new AtomicInteger();

		// phase 2
		private BenchmarkDatabase.Sending sending;

		private double allHandedOverAfter = Double.NaN;

		private long delivered = -1;

		private double allDeliveredAfter = Double.NaN;

		private Map<String, Long> atSimulator;

		private long simulatorCreateRequests = -1;

		// phase 3
		private double replySeconds;

		private double repliesPostedSeconds;

		private int replyRetries;

		private final AtomicInteger replyFailures = new AtomicInteger();

		private BenchmarkDatabase.Replying replying;

		Run(BenchmarkTarget target, BenchmarkParameters parameters, int firstNumber, int notices, int replies,
				boolean profile) {
			this.target = target;
			this.parameters = parameters;
			this.firstNumber = firstNumber;
			this.notices = notices;
			this.replies = replies;
			this.ids = new UUID[notices];
			this.httpThreads = Executors.newCachedThreadPool(named("bench-http"));
			this.http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.executor(this.httpThreads)
				.build();
			this.sampler = profile ? new StackSampler(20) : null;
		}

		void execute() throws Exception {
			try {
				long simulatorBefore = this.target.simulatorCreateRequests();
				loadAverage("before");
				CpuMeter.Reading start = cpuReading();
				long startNanos = System.nanoTime();
				accept();
				this.acceptSeconds = seconds(startNanos);
				CpuMeter.Reading accepted = cpuReading();
				usage("accept phase (submitting; the dispatcher sends meanwhile)", accepted, start, 0);
				drainProfile("accept");
				loadAverage("after accepting");
				if (this.target.database != null) {
					List<UUID> acceptedIds = new ArrayList<>();
					List<String> phones = new ArrayList<>();
					for (int i = 0; i < this.notices; i++) {
						if (this.ids[i] != null) {
							acceptedIds.add(this.ids[i]);
							phones.add("+86" + phone(i));
						}
					}
					this.target.database.notices(acceptedIds, phones);
					awaitSent(startNanos);
					usage("send phase after accepting (until the last SMS was handed over)", cpuReading(), accepted, 0);
					awaitDelivered(startNanos);
					usage("outbound as a whole: from the first submit until every SMS was "
							+ (this.delivered >= 0 ? "DELIVERED" : "handed over"), cpuReading(), start, acceptedCount());
					this.atSimulator = this.target.messagesPerRecipient();
				}
				else {
					awaitAtSimulator(startNanos);
				}
				if (simulatorBefore >= 0) {
					this.simulatorCreateRequests = this.target.simulatorCreateRequests() - simulatorBefore;
				}
				if (this.replies > 0) {
					CpuMeter.Reading before = cpuReading();
					drainProfile(null);
					reply();
					usage("reply phase", cpuReading(), before, this.replies);
					loadAverage("after replies");
				}
			}
			finally {
				if (this.sampler != null) {
					this.sampler.close();
				}
				this.httpThreads.shutdownNow();
				this.clientThreads.shutdownNow();
			}
		}

		// ------------------------------------------------------------ phase 1: accept

		private void accept() throws Exception {
			AtomicInteger nextBatch = new AtomicInteger();
			AtomicInteger requests = new AtomicInteger();
			AtomicInteger retries = new AtomicInteger();
			ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
			int batch = this.parameters.batch();
			inParallel(this.parameters.concurrency(), () -> {
				int b;
				while ((b = nextBatch.getAndIncrement()) * (long) batch < this.notices) {
					int from = b * batch;
					int to = Math.min(this.notices, from + batch);
					byte[] body = batchBody(from, to);
					HttpRequest request = HttpRequest.newBuilder(URI.create(this.target.appUrl + "/api/v1/notices/batch"))
						.timeout(Duration.ofMinutes(2))
						.header("Authorization", this.auth)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofByteArray(body))
						.build();
					// idempotency keys make a resubmission after a lost answer safe: the same notices come back
					HttpResponse<byte[]> response = send(request, retries);
					requests.incrementAndGet();
					if (response.statusCode() != 202) {
						errors.add("batch " + b + ": HTTP " + response.statusCode() + " "
								+ new String(response.body(), StandardCharsets.UTF_8));
						continue;
					}
					for (JsonNode item : Api.mapper().readTree(response.body()).get("results")) {
						int i = from + item.get("index").asInt();
						if ("REJECTED".equals(item.get("status").asString())) {
							this.rejected.incrementAndGet();
							errors.add("notice " + i + " rejected: " + item.get("errors"));
							continue;
						}
						this.ids[i] = UUID.fromString(item.get("id").asString());
						if (!item.get("created").asBoolean()) {
							this.notCreated.incrementAndGet();
						}
					}
				}
				return null;
			});
			this.submitRequests = requests.get();
			this.submitRetries = retries.get();
			errors.stream().limit(10).forEach(this.problems::add);
		}

		private byte[] batchBody(int from, int to) {
			List<Map<String, Object>> list = new ArrayList<>(to - from);
			for (int i = from; i < to; i++) {
				Map<String, Object> notice = new LinkedHashMap<>();
				notice.put("type", "MARGIN_CALL");
				notice.put("clientId", "C" + phone(i));
				notice.put("clientName", "张三");
				notice.put("phone", phone(i));
				notice.put("channels", List.of("SMS"));
				notice.put("requireAck", true);
				notice.put("params", Map.of("ratio", "128%", "shortfall", "52,000.00", "deadline", "2026-11-24 15:00"));
				notice.put("idempotencyKey", "bench-" + this.runId + "-" + i);
				list.add(notice);
			}
			return Api.mapper().writeValueAsBytes(Map.of("notices", list));
		}

		private String phone(int i) {
			return String.format(Locale.ROOT, "139%08d", this.firstNumber + i);
		}

		// ------------------------------------------------------------ phase 2: send

		private void awaitSent(long startNanos) throws Exception {
			BenchmarkDatabase db = this.target.database;
			long accepted = acceptedCount();
			long deadline = System.nanoTime() + this.parameters.timeout().toNanos();
			long lastPrint = 0;
			long handedOver;
			while ((handedOver = db.handedOver()) < accepted && System.nanoTime() < deadline) {
				if (System.nanoTime() - lastPrint > 5_000_000_000L) {
					System.out.printf("  %,d of %,d SMS handed to the simulator (%.0f s)%n", handedOver, accepted,
							seconds(startNanos));
					lastPrint = System.nanoTime();
				}
				sleep(POLL);
			}
			if (handedOver >= accepted) {
				this.allHandedOverAfter = seconds(startNanos);
			}
			drainProfile("send");
			this.sending = db.sending();
		}

		// with status callbacks on, the replies wait for them, so that they are measured on their own
		private void awaitDelivered(long startNanos) throws Exception {
			if (this.parameters.remote() != null || !this.parameters.statusCallbacks()) {
				return;
			}
			long accepted = acceptedCount();
			long deadline = System.nanoTime() + this.parameters.timeout().toNanos();
			long progressed = System.nanoTime();
			long before = -1;
			// a callback the simulator gave up on never comes: stop once nothing has moved for a while
			while ((this.delivered = this.target.database.delivered()) < accepted && System.nanoTime() < deadline
					&& System.nanoTime() - progressed < Duration.ofSeconds(30).toNanos()) {
				if (this.delivered > before) {
					before = this.delivered;
					progressed = System.nanoTime();
				}
				sleep(POLL);
			}
			if (this.delivered >= accepted) {
				this.allDeliveredAfter = seconds(startNanos);
			}
		}

		// without the database, the simulator's store says when every number has had its SMS
		private void awaitAtSimulator(long startNanos) throws Exception {
			long deadline = System.nanoTime() + this.parameters.timeout().toNanos();
			while ((this.atSimulator = this.target.messagesPerRecipient()) != null && missingAtSimulator() > 0
					&& System.nanoTime() < deadline) {
				sleep(Duration.ofSeconds(1));
			}
			if (this.atSimulator != null && missingAtSimulator() == 0) {
				this.allHandedOverAfter = seconds(startNanos);
			}
		}

		// ------------------------------------------------------------ phase 3: replies

		private void reply() throws Exception {
			List<String> sids = new ArrayList<>();
			List<UUID> noticeIds = new ArrayList<>();
			List<Integer> indexes = new ArrayList<>();
			for (int i = 0; i < this.notices && indexes.size() < this.replies; i++) {
				if (this.ids[i] != null) {
					sids.add("SM" + this.runId + HexFormat.of().toHexDigits((long) i));
					noticeIds.add(this.ids[i]);
					indexes.add(i);
				}
			}
			if (this.target.database != null) {
				this.target.database.replies(sids, noticeIds);
			}
			String signedUrl = this.target.publicBaseUrl + "/webhooks/twilio/sms";
			URI webhook = URI.create(this.target.appUrl + "/webhooks/twilio/sms");
			AtomicInteger next = new AtomicInteger();
			AtomicInteger retries = new AtomicInteger();
			long start = System.nanoTime();
			inParallel(this.parameters.replyClients(), () -> {
				int r;
				while ((r = next.getAndIncrement()) < sids.size()) {
					Map<String, String> params = inboundSms(sids.get(r), "+86" + phone(indexes.get(r)));
					HttpRequest request = HttpRequest.newBuilder(webhook)
						.timeout(Duration.ofMinutes(1))
						.header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
						.header("User-Agent", "TwilioProxy/1.1")
						.header("X-Twilio-Signature", TwilioSimulator.signature(this.target.authToken, signedUrl, params))
						.POST(HttpRequest.BodyPublishers.ofString(Api.encode(params)))
						.build();
					// a reply posted again is a replay the app recognises by its MessageSid
					HttpResponse<byte[]> response = send(request, retries);
					if (response.statusCode() != 200) {
						this.replyFailures.incrementAndGet();
						synchronized (this.problems) {
							if (this.problems.size() < 20) {
								this.problems.add("reply " + r + ": HTTP " + response.statusCode() + " "
										+ new String(response.body(), StandardCharsets.UTF_8));
							}
						}
					}
				}
				return null;
			});
			this.repliesPostedSeconds = seconds(start);
			this.replyRetries = retries.get();
			if (this.target.database != null) {
				long deadline = System.nanoTime() + this.parameters.timeout().toNanos();
				while (this.target.database.acknowledged() < sids.size() && System.nanoTime() < deadline) {
					sleep(POLL);
				}
				this.replying = this.target.database.replying();
			}
			this.replySeconds = seconds(start);
			drainProfile("reply");
		}

		/** The form Twilio posts for an inbound SMS, as the simulator's {@code deliverInboundSms} builds it. */
		private Map<String, String> inboundSms(String sid, String from) {
			Map<String, String> params = new LinkedHashMap<>();
			params.put("ToCountry", "US");
			params.put("SmsMessageSid", sid);
			params.put("NumMedia", "0");
			params.put("SmsSid", sid);
			params.put("SmsStatus", "received");
			params.put("Body", "收到");
			params.put("FromCountry", "CN");
			params.put("To", this.target.fromNumber);
			params.put("NumSegments", "1");
			params.put("MessageSid", sid);
			params.put("AccountSid", this.target.accountSid);
			params.put("From", from);
			params.put("ApiVersion", TwilioSimulator.API_VERSION);
			return params;
		}

		// ------------------------------------------------------------ plumbing

		private HttpResponse<byte[]> send(HttpRequest request, AtomicInteger retries) throws Exception {
			for (int attempt = 1;; attempt++) {
				try {
					HttpResponse<byte[]> response = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
					if (response.statusCode() < 500 || attempt == 3) {
						return response;
					}
					this.retryCauses.add("HTTP " + response.statusCode() + " from " + request.uri().getPath());
				}
				catch (IOException ex) {
					if (attempt == 3) {
						throw ex;
					}
					this.retryCauses.add(ex.toString());
				}
				retries.incrementAndGet();
				sleep(Duration.ofMillis(500));
			}
		}

		private void inParallel(int threads, Callable<Void> work) throws Exception {
			List<Future<Void>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(this.clientThreads.submit(work));
			}
			try {
				for (Future<Void> future : futures) {
					future.get();
				}
			}
			finally {
				futures.forEach(future -> future.cancel(true));
			}
		}

		private long acceptedCount() {
			long n = 0;
			for (UUID id : this.ids) {
				if (id != null) {
					n++;
				}
			}
			return n;
		}

		private CpuMeter.Reading cpuReading() {
			return (this.target.cpu != null) ? this.target.cpu.read() : null;
		}

		private void usage(String phase, CpuMeter.Reading now, CpuMeter.Reading before, long items) {
			if (now != null && before != null) {
				this.cpu.put(phase, now.since(before, items));
			}
		}

		private void drainProfile(String phase) {
			if (this.sampler != null) {
				Map<String, Map<String, Double>> shares = this.sampler.drain();
				if (phase != null) {
					this.profiles.put(phase, shares);
				}
			}
		}

		private void loadAverage(String when) {
			double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
			if (load >= 0) {
				this.loadAverages.add(String.format(Locale.ROOT, "%.2f %s", load, when));
			}
		}

		// ------------------------------------------------------------ figures

		double acceptedPerSecond() {
			return acceptedCount() / this.acceptSeconds;
		}

		/** N / (last provider acceptance - first), from {@code notice_attempt.accepted_at}. */
		double sentPerSecond() {
			if (this.sending == null || this.sending.firstAccepted() == null || this.sending.handedOver() < 2) {
				return Double.NaN;
			}
			return this.sending.handedOver() / window();
		}

		double repliesPerSecond() {
			return (this.replying != null) ? this.replying.acknowledged() / this.replySeconds : Double.NaN;
		}

		long lostSms() {
			return (this.sending != null) ? acceptedCount() - this.sending.handedOver() : -1;
		}

		long duplicatesAtSimulator() {
			return (this.atSimulator == null) ? -1
					: ourNumbers().stream().mapToLong(n -> Math.max(0, this.atSimulator.getOrDefault(n, 0L) - 1)).sum();
		}

		long missingAtSimulator() {
			return (this.atSimulator == null) ? -1
					: ourNumbers().stream().filter(n -> !this.atSimulator.containsKey(n)).count();
		}

		private List<String> ourNumbers() {
			List<String> numbers = new ArrayList<>();
			for (int i = 0; i < this.notices; i++) {
				if (this.ids[i] != null) {
					numbers.add("+86" + phone(i));
				}
			}
			return numbers;
		}

		long lostReplies() {
			return (this.replying != null) ? Math.min(this.replies, acceptedCount()) - this.replying.acknowledged() : -1;
		}

		// ------------------------------------------------------------ report

		String report() {
			BenchmarkReport r = new BenchmarkReport();
			Runtime runtime = Runtime.getRuntime();
			r.line("Ackline notice benchmark, " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
			r.rule();
			r.field("machine", String.format(Locale.ROOT, "%d cores (%s), max heap %.1f GiB, Java %s, %s %s",
					runtime.availableProcessors(), cpuModel(), runtime.maxMemory() / (1024.0 * 1024 * 1024),
					System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version")));
			r.field("load average", String.join(", ", this.loadAverages));
			r.field("target", this.target.description);
			r.field("app", this.target.appSettings);
			if (this.target.cpu != null) {
				r.field("code", "web from " + origin(AcklineApplication.class) + ", messaging from "
						+ origin(NoticeIntake.class) + ", core from " + origin(WorkQueue.class));
			}
			r.field("notices", String.format(Locale.ROOT, "%,d in batches of %,d, %d parallel submitters "
					+ "(%,d requests, %d retried)%s", this.notices, this.parameters.batch(),
					this.parameters.concurrency(), this.submitRequests, this.submitRetries,
					(this.parameters.warmup() > 0)
							? String.format(Locale.ROOT, "; after a warm-up of %,d", this.parameters.warmup()) : ""));
			r.field("replies", String.format(Locale.ROOT, "%,d signed inbound SMS webhooks from %d parallel clients "
					+ "(%d retried)", this.replies, this.parameters.replyClients(), this.replyRetries));
			if (!this.retryCauses.isEmpty()) {
				r.field("retried after", String.join("; ", this.retryCauses.stream().sorted().limit(5).toList()));
			}
			r.blank();
			r.figureHeader();
			r.figure("accepted/s", acceptedPerSecond(), ACCEPTED_GOAL,
					String.format(Locale.ROOT, "%,d accepted in %.2f s", acceptedCount(), this.acceptSeconds));
			r.figure("sent/s (handed to the simulator)", sentPerSecond(), SENT_GOAL, (this.sending == null)
					? String.format(Locale.ROOT, "the simulator had them all %.1f s after the first submit",
							this.allHandedOverAfter)
					: String.format(Locale.ROOT, "first to last provider acceptance %.2f s; all handed over %.1f s "
							+ "after the first submit", window(), this.allHandedOverAfter));
			r.latency("submit -> provider acceptance p50", (this.sending == null) ? Double.NaN : this.sending.p50());
			r.latency("submit -> provider acceptance p99", (this.sending == null) ? Double.NaN : this.sending.p99());
			r.latency("submit -> provider acceptance max", (this.sending == null) ? Double.NaN : this.sending.slowest());
			r.figure("replies matched/s", repliesPerSecond(), REPLIES_GOAL, (this.replying == null)
					? String.format(Locale.ROOT, "all posted in %.2f s; what they matched is unknown without the "
							+ "database", this.repliesPostedSeconds)
					: String.format(Locale.ROOT, "%,d acknowledged in %.2f s (all posted in %.2f s)",
							this.replying.acknowledged(), this.replySeconds, this.repliesPostedSeconds));
			if (this.delivered >= 0) {
				r.field("delivered", String.format(Locale.ROOT, "%,d of %,d SMS DELIVERED by status callbacks%s",
						this.delivered, acceptedCount(), Double.isNaN(this.allDeliveredAfter) ? ""
								: String.format(Locale.ROOT, ", %.1f s after the first submit", this.allDeliveredAfter)));
			}
			if (this.simulatorCreateRequests >= 0) {
				r.field("simulator", String.format(Locale.ROOT, "%,d create requests for %,d notices; %s",
						this.simulatorCreateRequests, acceptedCount(), this.target.callbacks()));
			}
			r.blank();
			r.line("Correctness (each must be 0)");
			r.count("rejected notices", this.rejected.get());
			r.count("lost: accepted notices without a handed-over SMS", lostSms());
			r.count("lost: numbers the simulator got no SMS for", missingAtSimulator());
			r.count("lost: replied notices not ACKNOWLEDGED", lostReplies());
			r.count("lost: replies answered with an error", this.replyFailures.get());
			r.count("duplicated: SMS at the simulator beyond one per number", duplicatesAtSimulator());
			r.count("duplicated: attempts sharing a provider id",
					(this.sending == null) ? -1 : this.sending.duplicateProviderIds());
			r.count("duplicated: SMS attempts beyond one per notice",
					(this.sending == null) ? -1 : this.sending.duplicateAttempts());
			r.count("duplicated: inbound rows beyond one per MessageSid",
					(this.replying == null) ? -1 : this.replying.duplicateInboundRows());
			r.count("duplicated: acknowledgements beyond one per notice",
					(this.replying == null) ? -1 : this.replying.duplicateAcknowledgements());
			r.count("mismatched: replies not recorded as ACK of their notice",
					(this.replying == null) ? -1 : this.replying.mismatched());
			r.count("re-used: submissions answered with an existing notice", this.notCreated.get());
			if (this.sending != null && !this.sending.notHandedOver().isEmpty()) {
				r.field("not handed over", this.sending.notHandedOver().toString());
			}
			if (this.target.database == null) {
				r.field("not measured", "sent/s, latency, lost and duplicated counts, replies matched/s: "
						+ this.target.databaseMissing);
			}
			if (!this.cpu.isEmpty()) {
				r.blank();
				r.line("CPU seconds by consumer (" + runtime.availableProcessors() + " cores)");
				this.cpu.forEach(r::usage);
			}
			if (!this.profiles.isEmpty()) {
				r.blank();
				r.line("Where the app's threads spend their wall time (stack samples every 20 ms)");
				this.profiles.forEach(r::profile);
			}
			if (!this.problems.isEmpty()) {
				r.blank();
				r.line("Problems (first few)");
				this.problems.forEach(p -> r.line("  " + p));
			}
			r.rule();
			return r.toString();
		}

		private double window() {
			return (this.sending.firstAccepted() == null) ? Double.NaN
					: Duration.between(this.sending.firstAccepted(), this.sending.lastAccepted()).toNanos() / 1e9;
		}

		// ------------------------------------------------------------ assertions

		void assertNothingLostOrDuplicated() {
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(this.problems).as("problems").isEmpty();
			softly.assertThat(this.rejected.get()).as("rejected notices").isZero();
			softly.assertThat(acceptedCount()).as("accepted notices").isEqualTo(this.notices);
			softly.assertThat(this.replyFailures.get()).as("replies answered with an error").isZero();
			if (this.atSimulator != null) {
				softly.assertThat(duplicatesAtSimulator()).as("SMS at the simulator beyond one per number").isZero();
				softly.assertThat(missingAtSimulator()).as("numbers the simulator got no SMS for").isZero();
			}
			if (this.sending != null) {
				softly.assertThat(lostSms()).as("accepted notices without a handed-over SMS (by status: %s)",
						this.sending.notHandedOver()).isZero();
				softly.assertThat(this.sending.duplicateProviderIds()).as("attempts sharing a provider id").isZero();
				softly.assertThat(this.sending.duplicateAttempts()).as("SMS attempts beyond one per notice").isZero();
			}
			if (this.replying != null) {
				softly.assertThat(this.replying.recorded()).as("replies recorded").isEqualTo(this.replies);
				softly.assertThat(lostReplies()).as("replied notices not ACKNOWLEDGED").isZero();
				softly.assertThat(this.replying.duplicateInboundRows()).as("inbound rows per MessageSid > 1").isZero();
				softly.assertThat(this.replying.duplicateAcknowledgements()).as("acknowledgements per notice > 1")
					.isZero();
				softly.assertThat(this.replying.mismatched()).as("replies not recorded as ACK of their notice").isZero();
			}
			softly.assertAll();
		}

	}

	// JDK Flight Recorder's "profile" settings: CPU samples every 10-20 ms, allocation and lock events; a few % CPU
	private static Recording startFlightRecording() throws IOException, ParseException {
		Files.createDirectories(FLIGHT_RECORDING.getParent());
		Recording recording = new Recording(Configuration.getConfiguration("profile"));
		recording.setName("notice-benchmark");
		recording.start();
		return recording;
	}

	// -pl web runs against the other modules as installed in ~/.m2, which may be newer or older than this checkout
	static String origin(Class<?> type) {
		try {
			Path path = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
			String name = path.getFileName().toString().endsWith(".jar") ? path.getFileName().toString()
					: Path.of("").toAbsolutePath().relativize(path).toString();
			return name + " (" + Files.getLastModifiedTime(path).toInstant().truncatedTo(ChronoUnit.SECONDS) + ")";
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter(l -> l.startsWith("model name"))
				.map(l -> l.substring(l.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

	private static double seconds(long sinceNanos) {
		return (System.nanoTime() - sinceNanos) / 1e9;
	}

	private static void sleep(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis());
	}

	private static ThreadFactory named(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return runnable -> {
			Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
