package ackline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import ackline.localrun.TwilioSimulator;
import ackline.testing.Api;
import ackline.testing.ChildApp;
import ackline.testing.LiveClient;
import ackline.testing.TestServices;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * Live fan-out across two app nodes (issue 5): two Ackline processes on one PostgreSQL and one Redis, STOMP clients
 * spread over both — agents on their own {@code /user/queue/agent}, supervisors on {@code /topic/agents} — and agent
 * state changes made through the API at a steady rate, each on the node its agent's console is NOT connected to (so
 * every message crosses nodes through Redis). Measures the time from the change (the event's {@code at}, taken in
 * the changing transaction) to its receipt at each client, messages lost (sequence gaps and missing deliveries), and
 * CPU and heap per node. Not a test: JUnit tag {@code benchmark}.
 */
@Tag("benchmark")
class LiveBenchmark {

	private static final int CLIENTS = Integer.getInteger("benchmark.clients", 1000);

	private static final int SUPERVISORS = Integer.getInteger("benchmark.supervisors", 20);

	private static final int RATE = Integer.getInteger("benchmark.rate", 500);

	private static final int SECONDS = Integer.getInteger("benchmark.seconds", 60);

	private static final int WARMUP = Integer.getInteger("benchmark.warmup-seconds", 15);

	/** Latencies at 1 ms resolution, up to a minute. */
	private final AtomicLongArray latency = new AtomicLongArray(60_001);

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong gaps = new AtomicLong();

	private final ConcurrentHashMap<String, AtomicLong> lastSeq = new ConcurrentHashMap<>();

	private volatile long windowStart = Long.MAX_VALUE;

	private volatile long windowEnd = Long.MAX_VALUE;

	@Test
	void liveFanOut() throws Exception {
		String database = TestServices.newDatabase();
		String prefix = "bench:" + UUID.randomUUID() + ":";
		int agents = CLIENTS - SUPERVISORS;
		try (TwilioSimulator twilio = TwilioSimulator.start(TwilioSimulator.Settings.defaults().withStatusCallbacks(false))) {
			int[] ports = { ChildApp.freePort(), ChildApp.freePort() };
			List<Process> nodes = new ArrayList<>();
			for (int n = 0; n < 2; n++) {
				nodes.add(ChildApp.start(List.of("-Xmx1g", "-XX:+UseG1GC"), args(ports[n], database, prefix, twilio),
						"live-bench-" + (char) ('a' + n)));
			}
			try {
				ChildApp.awaitUp(ports[0]);
				ChildApp.awaitUp(ports[1]);
				createUsers(database, agents);
				List<LiveClient> clients = connect(ports, agents);
				System.out.printf(Locale.ROOT, "%d clients connected (%d agents, %d supervisors)%n", clients.size(), agents,
						SUPERVISORS);
				// HTTP/1.1: the JDK client would otherwise offer every new connection an h2c upgrade Tomcat does not take
				HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
					.executor(Executors.newFixedThreadPool(8)).build();
				// every agent once to AVAILABLE (creates its row), then the steady load
				Load load = new Load(http, ports, agents);
				load.run(RATE, WARMUP, false);
				Thread.sleep(2_000);
				lastSeq.clear();
				long[] cpuBefore = { cpuNanos(nodes.get(0)), cpuNanos(nodes.get(1)) };
				long[] othersBefore = others();
				long[] heapMax = { 0, 0 };
				AtomicBoolean sampling = new AtomicBoolean(true);
				ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
				sampler.scheduleAtFixedRate(() -> {
					for (int n = 0; n < 2; n++) {
						heapMax[n] = Math.max(heapMax[n], heapUsed(ports[n]));
					}
				}, 0, 1, TimeUnit.SECONDS);
				long received0 = received.get();
				windowStart = System.currentTimeMillis();
				long changes = load.run(RATE, SECONDS, true);
				windowEnd = System.currentTimeMillis();
				Thread.sleep(5_000); // let the last messages arrive
				sampling.set(false);
				sampler.shutdownNow();
				long[] cpuAfter = { cpuNanos(nodes.get(0)), cpuNanos(nodes.get(1)) };
				long[] othersAfter = others();
				for (int i = 0; i < othersAfter.length; i++) {
					othersAfter[i] -= othersBefore[i];
				}
				long expected = changes * (SUPERVISORS + 1L);
				long got = received.get() - received0;
				report(agents, changes, expected, got, load, cpuBefore, cpuAfter, heapMax, othersAfter);
				for (LiveClient c : clients) {
					c.close();
				}
			}
			finally {
				for (Process p : nodes) {
					p.destroy();
				}
				for (Process p : nodes) {
					p.waitFor();
				}
			}
		}
	}

	private static List<String> args(int port, String database, String prefix, TwilioSimulator twilio) {
		return List.of("--server.port=" + port, "--spring.datasource.url=" + database,
				"--spring.datasource.username=" + TestServices.PG_USER, "--ackline.redis.url=" + TestServices.REDIS_URL,
				"--ackline.redis.key-prefix=" + prefix, "--ackline.twilio.account-sid=" + twilio.accountSid(),
				"--ackline.twilio.auth-token=" + twilio.authToken(), "--ackline.twilio.from-number=+15005550006",
				"--ackline.twilio.api-base-url=" + twilio.baseUrl(), "--ackline.public-base-url=http://localhost:" + port,
				"--ackline.demo-users=true", "--ackline.asterisk.enabled=false", "--server.tomcat.threads.max=64",
				"--logging.level.ackline.live=WARN");
	}

	/**
	 * Benchmark users with a {@code {noop}} password: signing 1,000 clients in with BCrypt would measure BCrypt (and
	 * take minutes on 2 cores), not the live fan-out. Never outside a benchmark database.
	 */
	private static void createUsers(String database, int agents) throws Exception {
		try (Connection c = DriverManager.getConnection(database, TestServices.PG_USER, "");
				PreparedStatement insert = c.prepareStatement(
						"insert into app_user (username, password_hash, roles, display_name) values (?, '{noop}bench', ?, ?)")) {
			for (int i = 0; i < agents; i++) {
				insert.setString(1, agent(i));
				insert.setArray(2, c.createArrayOf("text", new String[] { "AGENT" }));
				insert.setString(3, agent(i));
				insert.addBatch();
			}
			for (int i = 0; i < SUPERVISORS; i++) {
				insert.setString(1, "bench-s" + i);
				insert.setArray(2, c.createArrayOf("text", new String[] { "SUPERVISOR" }));
				insert.setString(3, "bench-s" + i);
				insert.addBatch();
			}
			insert.executeBatch();
		}
	}

	private static String agent(int i) {
		return String.format(Locale.ROOT, "bench-a%04d", i);
	}

	private List<LiveClient> connect(int[] ports, int agents) throws Exception {
		WebSocketStompClient stomp = LiveClient.stompClient();
		ExecutorService pool = Executors.newFixedThreadPool(16);
		List<Future<LiveClient>> pending = new ArrayList<>();
		for (int i = 0; i < agents; i++) {
			String user = agent(i);
			int port = ports[i % 2];
			pending.add(pool.submit(() -> LiveClient.basic(stomp, port, user, "bench")
				.subscribe("/user/queue/agent", body -> receive(user, body))));
		}
		for (int i = 0; i < SUPERVISORS; i++) {
			String user = "bench-s" + i;
			int port = ports[i % 2];
			pending.add(pool.submit(() -> LiveClient.basic(stomp, port, user, "bench")
				.subscribe("/topic/agents", body -> receive(user, body))));
		}
		List<LiveClient> clients = new ArrayList<>();
		for (Future<LiveClient> f : pending) {
			clients.add(f.get(2, TimeUnit.MINUTES));
		}
		pool.shutdown();
		Thread.sleep(2_000); // subscriptions reach the brokers
		return clients;
	}

	/** One message at one client: its latency if its change was made in the measured window, and gaps in its stream. */
	private void receive(String client, byte[] body) {
		long now = System.currentTimeMillis();
		String text = new String(body, StandardCharsets.ISO_8859_1);
		long seq = Long.parseLong(text.substring(text.indexOf("\"seq\":") + 6, text.indexOf(',')));
		int atStart = text.indexOf("\"at\":\"") + 6;
		long at = Instant.parse(text.substring(atStart, text.indexOf('"', atStart))).toEpochMilli();
		if (!text.contains("\"AGENT_STATE\"")) {
			return;
		}
		AtomicLong last = lastSeq.computeIfAbsent(client, k -> new AtomicLong(seq - 1));
		long previous = last.getAndSet(seq);
		if (seq > previous + 1) {
			gaps.addAndGet(seq - previous - 1);
		}
		if (at >= windowStart && at <= windowEnd) {
			received.incrementAndGet();
			latency.incrementAndGet((int) Math.min(60_000, Math.max(0, now - at)));
		}
	}

	/** Agent state changes at a steady rate through the API, each on the node the agent's console is not on. */
	private final class Load {

		final HttpClient http;

		final int[] ports;

		final int agents;

		final boolean[] paused;

		final AtomicBoolean[] busy;

		final AtomicLong failed = new AtomicLong();

		final AtomicLong skipped = new AtomicLong();

		final AtomicLong requestMillis = new AtomicLong();

		Load(HttpClient http, int[] ports, int agents) {
			this.http = http;
			this.ports = ports;
			this.agents = agents;
			this.paused = new boolean[agents];
			this.busy = new AtomicBoolean[agents];
			for (int i = 0; i < agents; i++) {
				busy[i] = new AtomicBoolean();
			}
		}

		/** @return changes the API confirmed */
		long run(int rate, int seconds, boolean measured) throws InterruptedException {
			AtomicLong done = new AtomicLong();
			AtomicInteger next = new AtomicInteger();
			long start = System.nanoTime();
			long total = (long) rate * seconds;
			List<java.util.concurrent.CompletableFuture<?>> inFlight = new java.util.concurrent.CopyOnWriteArrayList<>();
			for (long i = 0; i < total; i++) {
				long due = start + i * 1_000_000_000L / rate;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				int a = Math.floorMod(next.getAndIncrement(), agents);
				if (!busy[a].compareAndSet(false, true)) {
					skipped.incrementAndGet();
					continue;
				}
				String body = paused[a] ? "{\"state\":\"AVAILABLE\"}" : "{\"state\":\"PAUSED\",\"reason\":\"bench\"}";
				int port = ports[(a + 1) % 2];
				long sent = System.nanoTime();
				HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/agents/me/state"))
					.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((agent(a) + ":bench").getBytes()))
					.header("Content-Type", "application/json")
					.PUT(HttpRequest.BodyPublishers.ofString(body))
					.build();
				java.util.concurrent.CompletableFuture<?> f = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
					.whenComplete((response, error) -> {
						if (error == null && response.statusCode() == 200) {
							paused[a] = !paused[a];
							done.incrementAndGet();
							requestMillis.addAndGet((System.nanoTime() - sent) / 1_000_000);
						}
						else {
							failed.incrementAndGet();
						}
						busy[a].set(false);
					});
				inFlight.add(f);
				inFlight.removeIf(java.util.concurrent.CompletableFuture::isDone);
			}
			for (java.util.concurrent.CompletableFuture<?> f : inFlight) {
				try {
					f.get(30, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					// counted as failed
				}
			}
			if (measured) {
				System.out.printf(Locale.ROOT, "load: %d changes in %.1f s%n", done.get(), (System.nanoTime() - start) / 1e9);
			}
			return done.get();
		}

	}

	/** CPU time so far of the benchmark's own JVM (the clients and the load), PostgreSQL and Redis. */
	private static long[] others() {
		return new long[] { ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L),
				cpuOf("postgres"), cpuOf("redis-server") };
	}

	/** CPU time of every process whose name ({@code /proc/<pid>/comm}) starts with {@code name}, from /proc (Linux). */
	private static long cpuOf(String name) {
		try (var procs = Files.list(Path.of("/proc"))) {
			return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).mapToLong(p -> {
				try {
					if (!Files.readString(p.resolve("comm")).strip().startsWith(name)) {
						return 0;
					}
					String stat = Files.readString(p.resolve("stat"));
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L; // USER_HZ 100
				}
				catch (java.io.IOException | RuntimeException ex) {
					return 0; // gone meanwhile
				}
			}).sum();
		}
		catch (java.io.IOException ex) {
			return 0;
		}
	}

	private static long cpuNanos(Process process) {
		return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
	}

	private static long heapUsed(int port) {
		try {
			Api.Reply r = new Api(port).get("/actuator/metrics/jvm.memory.used?tag=area:heap", "admin");
			return (long) r.json().get("measurements").get(0).get("value").asDouble();
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

	private long percentile(double p) {
		long total = 0;
		for (int i = 0; i < latency.length(); i++) {
			total += latency.get(i);
		}
		long rank = (long) Math.ceil(total * p);
		long seen = 0;
		for (int i = 0; i < latency.length(); i++) {
			seen += latency.get(i);
			if (seen >= rank && rank > 0) {
				return i;
			}
		}
		return -1;
	}

	private void report(int agents, long changes, long expected, long got, Load load, long[] cpuBefore, long[] cpuAfter,
			long[] heapMax, long[] others) throws Exception {
		BenchmarkReport report = new BenchmarkReport();
		report.rule();
		report.line("Live fan-out benchmark — two nodes, " + CLIENTS + " STOMP clients (" + agents + " agents on /user/queue/agent, "
				+ SUPERVISORS + " supervisors on /topic/agents), agent state changes at " + RATE + "/s for " + SECONDS + " s");
		report.line("machine: " + Runtime.getRuntime().availableProcessors() + " cores; nodes -Xmx1g G1, PostgreSQL, Redis and "
				+ "the clients all on it; warm-up " + WARMUP + " s at the same rate before measuring");
		report.rule();
		report.field("changes", String.format(Locale.ROOT, "%,d confirmed by the API (%,.0f/s), %,d failed, %,d skipped "
				+ "(the agent's previous change still in flight)", changes, changes / (double) SECONDS, load.failed.get(),
				load.skipped.get()));
		report.field("API", String.format(Locale.ROOT, "mean %.0f ms per state change", load.requestMillis.get() / (double) Math.max(1, changes)));
		report.field("deliveries", String.format(Locale.ROOT, "%,d expected (each change to %d supervisors + its agent), "
				+ "%,d received (%,.0f/s)", expected, SUPERVISORS, got, got / (double) SECONDS));
		report.field("lost", String.format(Locale.ROOT, "%,d missing deliveries, %,d sequence gaps", Math.max(0, expected - got),
				gaps.get()));
		report.field("latency", String.format(Locale.ROOT, "change → receipt p50 %d ms, p90 %d ms, p99 %d ms, p99.9 %d ms, "
				+ "max %d ms (goal p99 < 200 ms)", percentile(0.5), percentile(0.9), percentile(0.99), percentile(0.999),
				percentile(1.0)));
		for (int n = 0; n < 2; n++) {
			report.field("node " + (char) ('a' + n), String.format(Locale.ROOT, "CPU %.2f cores (mean over the window), heap "
					+ "peak %,d MB (sampled each second)", (cpuAfter[n] - cpuBefore[n]) / 1e9 / (SECONDS + 5.0),
					heapMax[n] / (1024 * 1024)));
		}
		double window = SECONDS + 5.0;
		report.field("elsewhere", String.format(Locale.ROOT, "CPU: benchmark JVM (%d STOMP clients + the load) %.2f cores, "
				+ "PostgreSQL %.2f, Redis %.2f (mean over the window; the machine has %d)", CLIENTS, others[0] / 1e9 / window,
				others[1] / 1e9 / window, others[2] / 1e9 / window, Runtime.getRuntime().availableProcessors()));
		report.rule();
		String text = report.toString();
		System.out.println(text);
		Path out = Path.of("target", "benchmark", "live-benchmark.txt");
		Files.createDirectories(out.getParent());
		Files.writeString(out, text);
	}

}
