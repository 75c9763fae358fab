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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import ackline.AcklineApplication;
import ackline.callback.AgentState;
import ackline.callback.CallbackEvents;
import ackline.callback.Dialer;
import ackline.localrun.LocalStack;
import ackline.pbx.CallScript;
import ackline.pbx.SimulatedPbx;
import ackline.security.TestUsers;
import ackline.testing.Api;
import ch.qos.logback.classic.Level;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.core.env.Environment;

/**
 * The dialer under load, end to end: N call-back tasks created over the REST API, M agents signed in to the queue in
 * progressive mode, and the simulated PBX answering every call at once and hanging up after a short talk, through
 * Ackline's real Asterisk-Java adapter. A driver records each agent's disposition (REACHED_CONFIRMED) as soon as the
 * agent is in WRAP_UP, which makes the agent available for the next task. Reports originates/s, the time from each
 * agent becoming available to the PBX receiving that agent's next Originate, recordings stored and where the CPU
 * went, and asserts only that no task was dialled twice and none was lost: speeds are printed, never asserted.
 * <p>
 * {@code ./mvnw -o -B -pl web -am test -Dtest=DialerBenchmark -Dsurefire.excludedGroups=
 * -Dsurefire.failIfNoSpecifiedTests=false}; parameters in {@link DialerParameters}. The report also goes to
 * {@code web/target/benchmark/dialer-benchmark.txt}.
 */
@Tag("benchmark")
class DialerBenchmark {

	static final Path REPORT = Path.of("target", "benchmark", "dialer-benchmark.txt");

	private static final String SYSTEM_USER = "system";

	private static final String AGENT_PREFIX = "dialer-agent-";

	private static final String TASK_TYPE = "COMPLAINT_FOLLOWUP";

	private static final Duration POLL = Duration.ofMillis(20);

	private static final int SLICE_SECONDS = 30;

	/** No task done and no Originate for this long: the run is stuck, what is left counts as lost. */
	private static final Duration STALL = Duration.ofSeconds(30);

	@Test
	void everyTaskIsDialledOnceAndDoneNoneLost() throws Exception {
		DialerParameters parameters = DialerParameters.fromSystemProperties();
		Path spool = Files.createTempDirectory("ackline-bench-spool");
		SimulatedPbx pbx = new SimulatedPbx(SimulatedPbx.Settings.defaults()
			.withClientAnswerDelay(Duration.ZERO)
			.withAgentAnswerDelay(Duration.ZERO)).start(0, spool);
		pbx.defaultScript(CallScript.answerAfter(Duration.ZERO).hangUpAfter(parameters.talk()));
		try (BenchmarkTarget target = BenchmarkTarget.inProcess(false, appArgs(parameters, pbx.port(), spool))) {
			Run run = new Run(target, pbx, parameters);
			run.execute();
			String report = run.report();
			System.out.println(report);
			Files.createDirectories(REPORT.getParent());
			Files.writeString(REPORT, report, StandardCharsets.UTF_8);
			run.assertNoneDialledTwiceNoneLost();
		}
		finally {
			pbx.stop();
			deleteTree(spool);
		}
	}

	/**
	 * The app against this PBX, as DialerIntegrationTests configures it: AMI and FastAGI on loopback, the spool the
	 * PBX writes recordings to, calling windows ignored (the benchmark runs at any hour), no daily cap per client in
	 * the way; {@code benchmark.app-args} win.
	 */
	static List<String> appArgs(DialerParameters parameters, int amiPort, Path spool) {
		Map<String, String> args = new LinkedHashMap<>();
		args.put("ackline.asterisk.enabled", "true");
		args.put("ackline.asterisk.host", "127.0.0.1");
		args.put("ackline.asterisk.port", Integer.toString(amiPort));
		args.put("ackline.asterisk.agi-bind", "127.0.0.1");
		args.put("ackline.asterisk.agi-port", "0");
		args.put("ackline.asterisk.agi-url", "agi://127.0.0.1:0/notice-ack");
		args.put("ackline.asterisk.recordings-dir", spool.toString());
		args.put("ackline.callbacks.any-time", "true");
		args.put("ackline.callbacks.per-client-daily-cap", "1000");
		List<String> extra = new ArrayList<>();
		for (String arg : parameters.appArgs()) {
			int eq = arg.indexOf('=');
			if (arg.startsWith("--") && eq > 2) {
				// Spring joins a repeated option's values with commas: an override must replace, not repeat
				args.put(arg.substring(2, eq), arg.substring(eq + 1));
			}
			else {
				extra.add(arg);
			}
		}
		List<String> all = new ArrayList<>();
		args.forEach((name, value) -> all.add("--" + name + "=" + value));
		all.addAll(extra);
		return all;
	}

	/** One run: agents, tasks, the dialling itself, the recordings; with every figure and count it measured. */
	static final class Run {

		private final BenchmarkTarget target;

		private final SimulatedPbx pbx;

		private final DialerParameters parameters;

		private final String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

		private final int firstNumber = ThreadLocalRandom.current().nextInt(0, 90_000_000);

		private final String[] agentIds;

		private final Set<String> agents;

		private final HttpClient http;

		private final ExecutorService httpThreads = Executors.newCachedThreadPool(named("bench-http"));

		// kept for the whole run: a thread that ends takes its CPU time out of the meter's per-thread figures
		private final ExecutorService clientThreads = Executors.newCachedThreadPool(named("bench-client"));

		private final StackSampler sampler;

		private final String systemAuth = basic(SYSTEM_USER);

		private final List<String> problems = new ArrayList<>();

		private final Set<String> retryCauses = ConcurrentHashMap.newKeySet();

		private final Map<String, CpuMeter.Usage> cpu = new LinkedHashMap<>();

		private final Map<String, Map<String, Map<String, Double>>> profiles = new LinkedHashMap<>();

		private final List<String> loadAverages = new ArrayList<>();

		private final UUID[] taskIds;

		// ---- what the PBX and the app tell while the agents work (see listen())

		/** Per agent, the moment it last became AVAILABLE and why, until its next Originate takes it. */
		private final Map<String, Moment> available = new ConcurrentHashMap<>();

		/** Per agent, when its last disposition request was sent, until its next Originate takes it. */
		private final Map<String, Long> dispositionSent = new ConcurrentHashMap<>();

		/** From an agent becoming AVAILABLE to its next Originate, by why it became available. */
		private final Map<String, Queue<Sample>> latencies = new ConcurrentHashMap<>();

		private final Queue<Long> sentToOriginate = new ConcurrentLinkedQueue<>();

		private final Queue<Long> originateTimes = new ConcurrentLinkedQueue<>();

		private final Map<UUID, Integer> originatesPerCall = new ConcurrentHashMap<>();

		private final AtomicLong originatesWithoutMoment = new AtomicLong();

		private final AtomicLong availableAgainUndialled = new AtomicLong();

		private final AtomicLong originatesWithoutCallId = new AtomicLong();

		// ---- the driver

		private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

		private final Set<UUID> disposed = ConcurrentHashMap.newKeySet();

		private final AtomicInteger done = new AtomicInteger();

		private final AtomicLong lastDone = new AtomicLong();

		private final AtomicInteger dispositions = new AtomicInteger();

		private final AtomicInteger dispositionErrors = new AtomicInteger();

		private final AtomicInteger resumed = new AtomicInteger();

		private final Map<String, AtomicInteger> pauseReasons = new ConcurrentHashMap<>();

		private final AtomicInteger retries = new AtomicInteger();

		// ---- phases

		private double usersSeconds;

		private double createSeconds;

		private int created;

		private final AtomicInteger createErrors = new AtomicInteger();

		private double signInSeconds;

		private double dialSeconds = Double.NaN;

		private long dialStartNanos;

		private String stopReason = "every task done";

		private double recordingsSeconds = Double.NaN;

		private long pbxOriginatesBefore;

		private long pbxOriginates;

		// ---- from PostgreSQL afterwards

		private Map<String, Long> tasksByState = Map.of();

		private Map<String, Long> callsByOutcome = Map.of();

		private Map<String, Long> recordings = Map.of();

		private Map<String, Long> callFailures = Map.of();

		private double[] endToStored;

		private double[] eventLag;

		private long tasksWithSeveralCalls = -1;

		private long tasksOriginatedTwice = -1;

		private long callsOriginatedTwice = -1;

		private long callsNotOriginated = -1;

		private long lostButHungUpBefore = -1;

		private long leftInSpool = -1;

		private long strangeOriginates = -1;

		private long deadlocks = -1;

		private Map<String, DialerDatabase.TableStats> tablesBefore = Map.of();

		private Map<String, DialerDatabase.TableStats> tablesAfter = Map.of();

		private Instant dialStartedAt;

		private List<String> postgresActivity = List.of();

		private long errorsLogged;

		private long warningsLogged;

		private List<String> logSummary = List.of();

		Run(BenchmarkTarget target, SimulatedPbx pbx, DialerParameters parameters) {
			this.target = target;
			this.pbx = pbx;
			this.parameters = parameters;
			this.agentIds = new String[parameters.agents()];
			for (int i = 0; i < parameters.agents(); i++) {
				this.agentIds[i] = String.format(Locale.ROOT, "%s%03d", AGENT_PREFIX, i + 1);
			}
			this.agents = Set.of(this.agentIds);
			this.taskIds = new UUID[parameters.tasks()];
			this.http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.executor(this.httpThreads)
				.build();
			this.sampler = parameters.profile() ? new StackSampler(20) : null;
		}

		void execute() throws Exception {
			Environment env = this.target.app().getEnvironment();
			String jdbcUrl = env.getProperty("spring.datasource.url");
			LogTally logs = LogTally.attach();
			ApplicationListener<ApplicationEvent> listener = this::onAppEvent;
			try (DialerDatabase db = DialerDatabase.connect(jdbcUrl, LocalStack.DATABASE_USER,
					LocalStack.DATABASE_PASSWORD)) {
				awaitPbxLink();
				loadAverage("before");
				createUsers();
				CpuMeter.Reading start = cpuReading();
				drainProfile(null);
				createTasks();
				usage("create tasks (POST /api/v1/callbacks)", cpuReading(), start, this.created);
				drainProfile("create");
				loadAverage("after creating the tasks");
				List<UUID> ids = Arrays.stream(this.taskIds).filter(id -> id != null).toList();
				db.tasks(ids);

				this.pbxOriginatesBefore = this.pbx.originateCount();
				this.pbx.onOriginate(this::onOriginate);
				this.target.app().addApplicationListener(listener);
				long deadlocksBefore = db.deadlocks();
				this.tablesBefore = db.tableStats();
				try (PostgresActivity activity = new PostgresActivity(jdbcUrl, LocalStack.DATABASE_USER,
						LocalStack.DATABASE_PASSWORD, 250, 0.1)) {
					CpuMeter.Reading dialStart = cpuReading();
					long startNanos = System.nanoTime();
					this.dialStartNanos = startNanos;
					this.dialStartedAt = Instant.now();
					signIn();
					this.signInSeconds = seconds(startNanos);
					drive(db, startNanos);
					this.dialSeconds = seconds(startNanos);
					usage("dial phase (sign-in until the last task was done)", cpuReading(), dialStart, this.done.get());
					drainProfile("dial");
					loadAverage("after the last task");
					CpuMeter.Reading afterDial = cpuReading();
					long recordingsStart = System.nanoTime();
					awaitRecordings(db);
					this.recordingsSeconds = seconds(recordingsStart);
					usage("recordings still to store after the last task", cpuReading(), afterDial, 0);
					this.postgresActivity = activity.summary(5);
				}
				this.pbxOriginates = this.pbx.originateCount() - this.pbxOriginatesBefore;
				this.deadlocks = db.deadlocks() - deadlocksBefore;
				this.tablesAfter = db.tableStats();
				db.originates(this.originatesPerCall);
				this.tasksByState = db.tasksByState();
				this.callsByOutcome = db.callsByOutcome();
				this.recordings = db.recordings();
				this.callFailures = db.callFailures();
				this.endToStored = db.endToStored();
				this.eventLag = db.eventLag();
				this.tasksWithSeveralCalls = db.tasksWithSeveralCalls();
				this.tasksOriginatedTwice = db.tasksOriginatedTwice();
				this.callsOriginatedTwice = db.callsOriginatedTwice();
				this.callsNotOriginated = db.callsNotOriginated();
				this.lostButHungUpBefore = db.lostButHungUpBefore();
				this.leftInSpool = wavFiles(this.pbx.spoolDir());
				this.strangeOriginates = db.strangeOriginates();
			}
			finally {
				this.pbx.onOriginate(null);
				this.target.app().removeApplicationListener(listener);
				this.errorsLogged = logs.count(Level.ERROR);
				this.warningsLogged = logs.count(Level.WARN);
				this.logSummary = logs.summary(12);
				logs.close();
				if (this.sampler != null) {
					this.sampler.close();
				}
				this.httpThreads.shutdownNow();
				this.clientThreads.shutdownNow();
			}
		}

		// ------------------------------------------------------------ set-up

		private void awaitPbxLink() throws InterruptedException {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (this.pbx.managerConnections() == 0) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("the app did not log in to the simulated PBX within 30 s");
				}
				sleep(Duration.ofMillis(50));
			}
		}

		// users are the app's business, not the API's: created in the running app as the tests do (BCrypt each)
		private void createUsers() throws Exception {
			TestUsers users = this.target.app().getBean(TestUsers.class);
			AtomicInteger next = new AtomicInteger();
			long start = System.nanoTime();
			inParallel(Runtime.getRuntime().availableProcessors(), () -> {
				int i;
				while ((i = next.getAndIncrement()) < this.agentIds.length) {
					users.agent(this.agentIds[i]);
				}
				return null;
			});
			this.usersSeconds = seconds(start);
		}

		private void createTasks() throws Exception {
			AtomicInteger next = new AtomicInteger();
			ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
			URI uri = URI.create(this.target.appUrl + "/api/v1/callbacks");
			long start = System.nanoTime();
			inParallel(this.parameters.createClients(), () -> {
				int i;
				while ((i = next.getAndIncrement()) < this.taskIds.length) {
					Map<String, Object> task = new LinkedHashMap<>();
					task.put("type", TASK_TYPE);
					task.put("clientId", "C" + phone(i));
					task.put("clientName", "李四");
					task.put("phone", phone(i));
					task.put("dueBy", "2030-01-01T20:00:00+08:00");
					task.put("idempotencyKey", "bench-" + this.runId + "-" + i);
					HttpRequest request = HttpRequest.newBuilder(uri)
						.timeout(Duration.ofMinutes(1))
						.header("Authorization", this.systemAuth)
						.header("Content-Type", "application/json")
						.POST(HttpRequest.BodyPublishers.ofByteArray(Api.mapper().writeValueAsBytes(task)))
						.build();
					// the idempotency key makes a resubmission after a lost answer safe: the same task comes back
					HttpResponse<byte[]> response = send(request);
					if (response.statusCode() != 201 && response.statusCode() != 200) {
						this.createErrors.incrementAndGet();
						errors.add("task " + i + ": HTTP " + response.statusCode() + " " + body(response));
						continue;
					}
					this.taskIds[i] = UUID.fromString(Api.mapper().readTree(response.body()).get("id").asString());
				}
				return null;
			});
			this.createSeconds = seconds(start);
			this.created = (int) Arrays.stream(this.taskIds).filter(id -> id != null).count();
			errors.stream().limit(10).forEach(this::problem);
		}

		private String phone(int i) {
			return String.format(Locale.ROOT, "137%08d", this.firstNumber + i);
		}

		// ------------------------------------------------------------ what the PBX and the app tell

		/** On the PBX's manager thread: an Originate was accepted. */
		private void onOriginate(SimulatedPbx.Originated originated) {
			long now = System.nanoTime();
			String agent = originated.party();
			if (!this.agents.contains(agent)) {
				return;
			}
			this.originateTimes.add(now);
			if (originated.callId() == null) {
				this.originatesWithoutCallId.incrementAndGet();
			}
			else {
				this.originatesPerCall.merge(UUID.fromString(originated.callId()), 1, Integer::sum);
			}
			Moment moment = this.available.remove(agent);
			if (moment == null) {
				this.originatesWithoutMoment.incrementAndGet();
			}
			else {
				this.latencies.computeIfAbsent(moment.cause(), c -> new ConcurrentLinkedQueue<>())
					.add(new Sample(now, now - moment.nanos()));
			}
			Long sent = this.dispositionSent.remove(agent);
			if (sent != null) {
				this.sentToOriginate.add(now - sent);
			}
		}

		/**
		 * In the app, inside the transaction that makes the change: an agent became AVAILABLE. The kick that dials it
		 * follows the commit, so this moment always comes before the agent's next Originate.
		 */
		private void onAppEvent(ApplicationEvent event) {
			if (event instanceof PayloadApplicationEvent<?> payload
					&& payload.getPayload() instanceof CallbackEvents.AgentStateChanged changed
					&& changed.to() == AgentState.AVAILABLE && this.agents.contains(changed.agentId())) {
				Moment before = this.available.put(changed.agentId(), new Moment(System.nanoTime(), cause(changed.from())));
				if (before != null) {
					this.availableAgainUndialled.incrementAndGet();
				}
			}
		}

		private static String cause(AgentState from) {
			return switch (from) {
				case OFFLINE -> "sign-in";
				case WRAP_UP -> "disposition";
				case ON_CALL -> "call ended unanswered";
				case PAUSED -> "resumed after a pause";
				case AVAILABLE -> "available again";
			};
		}

		// ------------------------------------------------------------ the agents at work

		private void signIn() throws Exception {
			AtomicInteger next = new AtomicInteger();
			inParallel(this.parameters.dispositionClients(), () -> {
				int i;
				while ((i = next.getAndIncrement()) < this.agentIds.length) {
					HttpResponse<byte[]> response = setState(this.agentIds[i]);
					if (response.statusCode() != 200) {
						problem("sign-in of " + this.agentIds[i] + ": HTTP " + response.statusCode() + " "
								+ body(response));
					}
				}
				return null;
			});
		}

		private HttpResponse<byte[]> setState(String agent) throws Exception {
			return send(HttpRequest.newBuilder(URI.create(this.target.appUrl + "/api/v1/agents/me/state"))
				.timeout(Duration.ofMinutes(1))
				.header("Authorization", basic(agent))
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString("{\"state\":\"AVAILABLE\",\"mode\":\"PROGRESSIVE\"}"))
				.build());
		}

		/**
		 * Acts for the agents until every task is done, nothing moves for {@link #STALL}, or the time is up: every
		 * agent in WRAP_UP gets its disposition recorded, every agent the dialer paused is made available again
		 * (and counted: with agents that answer at once, none should be).
		 */
		private void drive(DialerDatabase db, long startNanos) throws Exception {
			long deadline = startNanos + this.parameters.timeout().toNanos();
			long lastPrint = System.nanoTime();
			long lastMove = System.nanoTime();
			long seen = -1;
			while (true) {
				long now = System.nanoTime();
				long moved = this.done.get() + this.originateTimes.size();
				if (moved != seen) {
					seen = moved;
					lastMove = now;
				}
				if (this.done.get() >= this.created) {
					break;
				}
				if (now > deadline) {
					this.stopReason = "timed out after " + this.parameters.timeout().toSeconds() + " s";
					break;
				}
				if (now - lastMove > STALL.toNanos()) {
					this.stopReason = "stalled: nothing done and no Originate for " + STALL.toSeconds() + " s";
					break;
				}
				if (now - lastPrint > 5_000_000_000L) {
					System.out.printf(Locale.ROOT, "  %,d of %,d tasks done, %,d originates (%.0f s)%n", this.done.get(),
							this.created, this.originateTimes.size(), seconds(startNanos));
					lastPrint = now;
				}
				for (DialerDatabase.Waiting waiting : db.waiting(this.agentIds)) {
					if ("WRAP_UP".equals(waiting.state())) {
						if (waiting.task() != null && !this.disposed.contains(waiting.task())
								&& this.inFlight.add(waiting.agentId())) {
							this.clientThreads.submit(() -> dispose(waiting.agentId(), waiting.task()));
						}
					}
					else if (this.inFlight.add(waiting.agentId())) {
						this.pauseReasons.computeIfAbsent(String.valueOf(waiting.reason()), r -> new AtomicInteger())
							.incrementAndGet();
						this.clientThreads.submit(() -> resume(waiting.agentId()));
					}
				}
				sleep(POLL);
			}
			// let dispositions in flight finish, so that their tasks are counted as they end
			long wait = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (!this.inFlight.isEmpty() && System.nanoTime() < wait) {
				sleep(POLL);
			}
		}

		private Void dispose(String agent, UUID task) {
			try {
				this.dispositionSent.put(agent, System.nanoTime());
				HttpResponse<byte[]> response = send(
						HttpRequest.newBuilder(URI.create(this.target.appUrl + "/api/v1/callbacks/" + task + "/disposition"))
							.timeout(Duration.ofMinutes(1))
							.header("Authorization", basic(agent))
							.header("Content-Type", "application/json")
							.POST(HttpRequest.BodyPublishers.ofString("{\"disposition\":\"REACHED_CONFIRMED\"}"))
							.build());
				if (response.statusCode() == 200) {
					this.disposed.add(task);
					this.dispositions.incrementAndGet();
					if ("DONE".equals(Api.mapper().readTree(response.body()).get("state").asString())) {
						this.done.incrementAndGet();
						this.lastDone.accumulateAndGet(System.nanoTime(), Math::max);
					}
				}
				else {
					this.dispositionSent.remove(agent);
					this.dispositionErrors.incrementAndGet();
					problem("disposition of " + task + " by " + agent + ": HTTP " + response.statusCode() + " "
							+ body(response));
				}
			}
			catch (Exception ex) {
				this.dispositionErrors.incrementAndGet();
				problem("disposition of " + task + " by " + agent + ": " + ex);
			}
			finally {
				this.inFlight.remove(agent);
			}
			return null;
		}

		private Void resume(String agent) {
			try {
				HttpResponse<byte[]> response = setState(agent);
				if (response.statusCode() == 200) {
					this.resumed.incrementAndGet();
				}
				else {
					problem("resuming " + agent + ": HTTP " + response.statusCode() + " " + body(response));
				}
			}
			catch (Exception ex) {
				problem("resuming " + agent + ": " + ex);
			}
			finally {
				this.inFlight.remove(agent);
			}
			return null;
		}

		/** The recording collector works behind the calls: wait until it has nothing left, or stops moving. */
		private void awaitRecordings(DialerDatabase db) throws Exception {
			long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
			long lastMove = System.nanoTime();
			long before = Long.MAX_VALUE;
			long pending;
			while ((pending = db.recordingsPending()) > 0 && System.nanoTime() < deadline
					&& System.nanoTime() - lastMove < Duration.ofSeconds(20).toNanos()) {
				if (pending < before) {
					before = pending;
					lastMove = System.nanoTime();
				}
				sleep(Duration.ofMillis(250));
			}
		}

		// ------------------------------------------------------------ plumbing

		private HttpResponse<byte[]> send(HttpRequest request) throws Exception {
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
				this.retries.incrementAndGet();
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

		private void problem(String problem) {
			synchronized (this.problems) {
				if (this.problems.size() < 20) {
					this.problems.add(problem);
				}
			}
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

		/** Originates of this run, in the order the PBX accepted them. */
		private long[] originates() {
			long[] times = this.originateTimes.stream().mapToLong(Long::longValue).toArray();
			Arrays.sort(times);
			return times;
		}

		/** Originates per second from the first to the last. */
		double originatesPerSecond() {
			long[] t = originates();
			return (t.length < 2) ? Double.NaN : (t.length - 1) / ((t[t.length - 1] - t[0]) / 1e9);
		}

		/**
		 * Originates per second in the steady state: between the 10th and the 90th percentile of Originates, leaving
		 * out the sign-in burst and the tail, when fewer tasks than agents are left.
		 */
		double steadyOriginatesPerSecond() {
			long[] t = originates();
			if (t.length < 20) {
				return Double.NaN;
			}
			int from = t.length / 10;
			int to = t.length - 1 - t.length / 10;
			return (to - from) / ((t[to] - t[from]) / 1e9);
		}

		/** The steady state's first and last Originate (nanoseconds): the middle 80% of them. */
		private long[] steadyWindow() {
			long[] t = originates();
			return (t.length < 20) ? new long[] { Long.MIN_VALUE, Long.MAX_VALUE }
					: new long[] { t[t.length / 10], t[t.length - 1 - t.length / 10] };
		}

		/** Seconds from the sign-in to the last task done. */
		private double doneSeconds() {
			return (this.lastDone.get() == 0) ? Double.NaN : (this.lastDone.get() - this.dialStartNanos) / 1e9;
		}

		private double steadyWindowSeconds() {
			long[] t = originates();
			return (t.length < 20) ? Double.NaN : (t[t.length - 1 - t.length / 10] - t[t.length / 10]) / 1e9;
		}

		long lost() {
			return this.created - this.tasksByState.getOrDefault("DONE", 0L);
		}

		// ------------------------------------------------------------ report

		String report() {
			BenchmarkReport r = new BenchmarkReport();
			Runtime runtime = Runtime.getRuntime();
			Environment env = this.target.app().getEnvironment();
			r.line("Ackline dialer benchmark, " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
			r.rule();
			r.field("machine", String.format(Locale.ROOT, "%d cores (%s), max heap %.1f GiB, Java %s, %s %s",
					runtime.availableProcessors(), NoticeBenchmark.cpuModel(), runtime.maxMemory() / (1024.0 * 1024 * 1024),
					System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version")));
			r.field("load average", String.join(", ", this.loadAverages));
			r.field("target", this.target.description + ", simulated PBX through the Asterisk-Java adapter");
			r.field("app", String.format(Locale.ROOT, "%s progressive dialer threads, sweep every %s; recordings "
					+ "collected every %s; reconciler every %s; Hikari pool %s, Tomcat threads %s; credentials "
					+ "remembered for %s", env.getProperty("ackline.callbacks.progressive-threads", "4"),
					env.getProperty("ackline.callbacks.progressive-interval", "2s"),
					env.getProperty("ackline.callbacks.recordings-interval", "1s"),
					env.getProperty("ackline.callbacks.reconcile-interval", "10s"),
					env.getProperty("spring.datasource.hikari.maximum-pool-size", "10"),
					env.getProperty("server.tomcat.threads.max", "200"),
					env.getProperty("ackline.security.remember-credentials-for", "60s")));
			r.field("code", "web from " + NoticeBenchmark.origin(AcklineApplication.class) + ", telephony from "
					+ NoticeBenchmark.origin(Dialer.class));
			r.field("PBX", String.format(Locale.ROOT, "agents and clients answer at once; the client hangs up "
					+ "%d ms after answering; a WAV per call in the spool", this.parameters.talk().toMillis()));
			r.field("agents", String.format(Locale.ROOT, "%,d (users created in %.1f s), all in one team (the default "
					+ "team their first state change gives them), PROGRESSIVE AVAILABLE; signed in over the API in "
					+ "%.1f s", this.agentIds.length, this.usersSeconds, this.signInSeconds));
			r.field("tasks", String.format(Locale.ROOT, "%,d %s with unique numbers, no team or agent named, "
					+ "created over the API by %d parallel clients (%,d retried requests)", this.taskIds.length,
					TASK_TYPE, this.parameters.createClients(), this.retries.get()));
			r.field("driver", String.format(Locale.ROOT, "polls PostgreSQL every %d ms for agents in WRAP_UP; %d "
					+ "parallel clients post REACHED_CONFIRMED", POLL.toMillis(), this.parameters.dispositionClients()));
			r.field("stopped", String.format(Locale.ROOT, "%s, %.1f s after the sign-in began; recordings %.1f s later",
					this.stopReason, this.dialSeconds, this.recordingsSeconds));
			if (!this.retryCauses.isEmpty()) {
				r.field("retried after", String.join("; ", this.retryCauses.stream().sorted().limit(5).toList()));
			}
			r.blank();
			r.value("tasks created/s", rate(this.created / this.createSeconds),
					String.format(Locale.ROOT, "%,d in %.1f s", this.created, this.createSeconds));
			long[] t = originates();
			r.value("originates/s, steady state", rate(steadyOriginatesPerSecond()),
					String.format(Locale.ROOT, "middle 80%% of the Originates, over %.1f s", steadyWindowSeconds()));
			r.value("originates/s, first to last", rate(originatesPerSecond()),
					String.format(Locale.ROOT, "%,d Originates of the benchmark's agents; %,d at the PBX in all", t.length,
							this.pbxOriginates));
			r.value("tasks done/s, sign-in to the last done", rate(doneSeconds() > 0 ? this.done.get() / doneSeconds()
					: Double.NaN), String.format(Locale.ROOT, "%,d dispositions recorded (%,d answered with an error) "
							+ "in %.1f s", this.dispositions.get(), this.dispositionErrors.get(), doneSeconds()));
			r.blank();
			r.line("Agent available -> the PBX receives the agent's next Originate (from the moment the app sets the agent "
					+ "AVAILABLE)");
			long[] window = steadyWindow();
			percentiles(r, "after a disposition, steady state", samples("disposition", window[0], window[1]));
			percentiles(r, "after a disposition, all", samples("disposition", Long.MIN_VALUE, Long.MAX_VALUE));
			percentiles(r, "after signing in (all agents at once)", samples("sign-in", Long.MIN_VALUE, Long.MAX_VALUE));
			this.latencies.keySet()
				.stream()
				.filter(c -> !c.equals("disposition") && !c.equals("sign-in"))
				.sorted()
				.forEach(c -> percentiles(r, "after " + c, samples(c, Long.MIN_VALUE, Long.MAX_VALUE)));
			percentiles(r, "disposition request sent -> Originate", this.sentToOriginate);
			if (this.eventLag != null) {
				r.field("AMI events", String.format(Locale.ROOT, "%.1f kept per call; PBX Timestamp -> applied by the app "
						+ "(one thread): p50 %.0f ms, p99 %.0f ms, max %.0f ms", this.eventLag[3], this.eventLag[0] * 1000,
						this.eventLag[1] * 1000, this.eventLag[2] * 1000));
			}
			r.field("not matched", String.format(Locale.ROOT, "%,d available moments never followed by an Originate "
					+ "(%,d still waiting at the end: no task left), %,d Originates without a moment before them",
					this.availableAgainUndialled.get() + this.available.size(), this.available.size(),
					this.originatesWithoutMoment.get()));
			timeline(r);
			r.blank();
			r.line("Correctness (each must be 0; the first two are asserted)");
			r.count("dialled twice: tasks with more than one call row", this.tasksWithSeveralCalls);
			r.count("lost: tasks not DONE at the end", lost());
			r.count("dialled twice: tasks Originated more than once", this.tasksOriginatedTwice);
			r.count("dialled twice: call ids Originated more than once", this.callsOriginatedTwice);
			r.count("calls of this run the PBX never received", this.callsNotOriginated);
			r.count("Originates at the PBX for no call of this run", this.strangeOriginates);
			r.count("Originates without ACKLINE_CALL_ID", this.originatesWithoutCallId.get());
			r.count("tasks not created (API errors)", this.createErrors.get());
			r.count("dispositions answered with an error", this.dispositionErrors.get());
			r.count("agents the dialer paused (made available again)", this.pauseReasons.values()
				.stream()
				.mapToLong(AtomicInteger::get)
				.sum());
			r.count("deadlocks detected by PostgreSQL", this.deadlocks);
			r.count("calls ended LOST though the PBX had hung them up", this.lostButHungUpBefore);
			r.count("recordings left in the spool, never collected", this.leftInSpool);
			r.field("tasks", this.tasksByState.toString());
			r.field("calls", this.callsByOutcome.toString());
			r.field("failures", String.format(Locale.ROOT, "%s (calls that ended with a failure noted: LOST = ended by "
					+ "the reconciler because the PBX no longer had it)", this.callFailures));
			if (!this.pauseReasons.isEmpty()) {
				r.field("paused", this.pauseReasons.toString());
			}
			r.blank();
			r.line("Recordings (a side figure)");
			long calls = this.callsByOutcome.values().stream().mapToLong(Long::longValue).sum();
			r.field("stored", String.format(Locale.ROOT, "%,d of %,d calls' recordings STORED; by state %s",
					this.recordings.getOrDefault("STORED", 0L), calls, this.recordings));
			if (this.endToStored != null) {
				r.field("end -> stored", String.format(Locale.ROOT, "p50 %.2f s, p99 %.2f s, max %.2f s (call ended -> "
						+ "its row marked STORED)", this.endToStored[0], this.endToStored[1], this.endToStored[2]));
			}
			r.blank();
			r.line("What looked wrong");
			r.field("app log", String.format(Locale.ROOT, "%,d errors and %,d warnings logged during the run",
					this.errorsLogged, this.warningsLogged));
			this.logSummary.forEach(l -> r.line("  " + l));
			r.field("PostgreSQL", "pg_stat_activity every 250 ms during the dial phase:");
			this.postgresActivity.forEach(l -> r.line("  " + l));
			r.field("tables", "PostgreSQL's counters over the dial phase and the recordings after it:");
			this.tablesAfter.forEach((table, after) -> {
				DialerDatabase.TableStats before = this.tablesBefore.get(table);
				long seqScans = after.seqScans() - ((before == null) ? 0 : before.seqScans());
				long seqRows = after.seqRowsRead() - ((before == null) ? 0 : before.seqRowsRead());
				long indexScans = after.indexScans() - ((before == null) ? 0 : before.indexScans());
				String analyzed = (after.analyzed() == null) ? "never analysed"
						: (this.dialStartedAt != null && after.analyzed().isAfter(this.dialStartedAt))
								? String.format(Locale.ROOT, "analysed %.0f s after the sign-in began",
										Duration.between(this.dialStartedAt, after.analyzed()).toMillis() / 1000.0)
								: "last analysed before the dial phase";
				r.line(String.format(Locale.ROOT, "  %-14s %,9d seq scans reading %,13d rows, %,10d index scans; "
						+ "%,d live and %,d dead rows at the end; %s", table, seqScans, seqRows, indexScans,
						after.liveRows(), after.deadRows(), analyzed));
			});
			if (!this.problems.isEmpty()) {
				r.line("Problems (first few)");
				this.problems.forEach(p -> r.line("  " + p));
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
			r.rule();
			return r.toString();
		}

		/** Latencies (nanoseconds) after moments of this cause whose Originate came within [from, to]. */
		private long[] samples(String cause, long from, long to) {
			Queue<Sample> samples = this.latencies.get(cause);
			return (samples == null) ? new long[0]
					: samples.stream()
						.filter(sample -> sample.at() >= from && sample.at() <= to)
						.mapToLong(Sample::nanos)
						.sorted()
						.toArray();
		}

		private static void percentiles(BenchmarkReport r, String label, long[] sorted) {
			if (sorted.length == 0) {
				r.value(label, "-", "none measured");
				return;
			}
			r.value(label, String.format(Locale.ROOT, "%.1f ms", percentile(sorted, 0.5) / 1e6),
					String.format(Locale.ROOT, "p50; p99 %.1f ms, max %.1f ms, n = %,d", percentile(sorted, 0.99) / 1e6,
							sorted[sorted.length - 1] / 1e6, sorted.length));
		}

		private static void percentiles(BenchmarkReport r, String label, Queue<Long> nanos) {
			percentiles(r, label, nanos.stream().mapToLong(Long::longValue).sorted().toArray());
		}

		/**
		 * The dial phase in slices of {@value DialerBenchmark#SLICE_SECONDS} s: Originates per second and the latency after a
		 * disposition, to tell a steady rate from a slow start, a stall or spikes.
		 */
		private void timeline(BenchmarkReport r) {
			long[] t = originates();
			if (t.length == 0) {
				return;
			}
			r.line(String.format(Locale.ROOT, "  %-12s %12s %12s %12s %12s", "from start", "originates/s",
					"latency p50", "p99", "max"));
			long slice = SLICE_SECONDS * 1_000_000_000L;
			for (long from = this.dialStartNanos; from <= t[t.length - 1]; from += slice) {
				long start = from;
				long end = from + slice;
				long count = Arrays.stream(t).filter(time -> time >= start && time < end).count();
				long[] latency = samples("disposition", start, end - 1);
				r.line(String.format(Locale.ROOT, "  %4d-%4d s   %12.1f %12s %12s %12s", (start - this.dialStartNanos)
						/ 1_000_000_000L, (end - this.dialStartNanos) / 1_000_000_000L, count / (double) SLICE_SECONDS,
						millis(latency, 0.5), millis(latency, 0.99), millis(latency, 1.0)));
			}
		}

		private static String millis(long[] sorted, double q) {
			return (sorted.length == 0) ? "-" : String.format(Locale.ROOT, "%.0f ms", percentile(sorted, q) / 1e6);
		}

		private static long percentile(long[] sorted, double q) {
			int index = (int) Math.ceil(q * sorted.length) - 1;
			return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
		}

		private static String rate(double perSecond) {
			return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%,.1f", perSecond);
		}

		// ------------------------------------------------------------ assertions

		void assertNoneDialledTwiceNoneLost() {
			SoftAssertions softly = new SoftAssertions();
			softly.assertThat(this.created).as("tasks created").isEqualTo(this.taskIds.length);
			softly.assertThat(this.tasksWithSeveralCalls).as("tasks with more than one call row").isZero();
			softly.assertThat(this.tasksOriginatedTwice).as("tasks with more than one Originate at the PBX").isZero();
			softly.assertThat(this.callsOriginatedTwice).as("call ids Originated more than once").isZero();
			softly.assertThat(lost()).as("tasks not DONE at the end (by state: %s)", this.tasksByState).isZero();
			softly.assertAll();
		}

	}

	/** A latency of {@code nanos}, measured at {@code at} ({@link System#nanoTime()}). */
	private record Sample(long at, long nanos) {
	}

	/** An agent became AVAILABLE at {@code nanos} ({@link System#nanoTime()}) because of {@code cause}. */
	private record Moment(long nanos, String cause) {
	}

	private static String basic(String user) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
	}

	private static String body(HttpResponse<byte[]> response) {
		String text = new String(response.body(), StandardCharsets.UTF_8);
		return (text.length() <= 300) ? text : text.substring(0, 300) + "...";
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

	private static long wavFiles(Path root) throws IOException {
		if (!Files.exists(root)) {
			return 0;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			return paths.filter(path -> path.toString().endsWith(".wav")).count();
		}
	}

	private static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}
