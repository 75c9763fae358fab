package ackline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where the CPU went during a phase, at the cost of a look at the counters before and after: this JVM's threads
 * grouped by what they do (the app, the simulator and the load generator all run here), the embedded PostgreSQL and
 * Redis processes, and the rest of the machine, which is shared.
 */
final class CpuMeter implements AutoCloseable {

	static final String GC = "JVM: garbage collector";

	static final String JIT = "JVM: JIT compilers";

	static final String OTHER_JVM = "JVM: other (VM thread, last moments of threads that ended)";

	static final String POSTGRES = "PostgreSQL (all its processes)";

	static final String REDIS = "Redis";

	static final String ELSEWHERE = "other processes on the machine";

	static final String SIMULATOR = "Twilio simulator";

	static final String PBX = "simulated PBX (AMI sessions, calls, WAV files)";

	static final String CLIENTS = "benchmark clients";

	static final String SELECTORS = "java.net.http selectors (benchmark clients, simulator callbacks)";

	static final String MAIN = "benchmark main thread (polling)";

	private static final Set<String> HARNESS = Set.of(SIMULATOR, PBX, CLIENTS, SELECTORS, MAIN);

	private static final long CLOCK_TICK_NANOS = 10_000_000; // USER_HZ is 100 on Linux

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final int postgresPort;

	private final int redisPort;

	// every thread seen, by id, with its group and CPU time when last seen: threads that end (Tomcat shrinks its pool,
	// the JDK's HTTP client starts and ends its own) keep what they used until then
	private final Map<Long, Seen> seen = new ConcurrentHashMap<>();

	private final ScheduledExecutorService tracker = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "bench-cpu-meter");
		thread.setDaemon(true);
		return thread;
	});

	CpuMeter(int postgresPort, int redisPort) {
		this.postgresPort = postgresPort;
		this.redisPort = redisPort;
		this.tracker.scheduleWithFixedDelay(this::track, 0, 250, TimeUnit.MILLISECONDS);
	}

	private void track() {
		for (ThreadInfo info : this.threads.getThreadInfo(this.threads.getAllThreadIds())) {
			if (info != null) {
				long cpu = this.threads.getThreadCpuTime(info.getThreadId());
				if (cpu > 0) {
					this.seen.put(info.getThreadId(), new Seen(group(info.getThreadName()), cpu));
				}
			}
		}
	}

	Reading read() {
		track();
		Map<String, Long> nanos = new LinkedHashMap<>();
		long threadTotal = 0;
		for (Seen thread : this.seen.values()) {
			nanos.merge(thread.group(), thread.cpuNanos(), Long::sum);
			threadTotal += thread.cpuNanos();
		}
		long process = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		long gc = 0;
		long jit = 0;
		for (Map.Entry<String, Long> thread : nativeThreads().entrySet()) {
			if (thread.getKey().startsWith("GC Thread") || thread.getKey().startsWith("G1 ")) {
				gc += thread.getValue();
			}
			else if (thread.getKey().startsWith("C1 Compiler") || thread.getKey().startsWith("C2 Compiler")) {
				jit += thread.getValue();
			}
		}
		nanos.put(GC, gc);
		nanos.put(JIT, jit);
		nanos.put(OTHER_JVM, Math.max(0, process - threadTotal - gc - jit));
		long postgres = processCpu(postgresProcesses());
		long redis = processCpu(ProcessHandle.current().descendants().filter(p -> commandContains(p, "redis")
				&& commandContains(p, Integer.toString(this.redisPort))));
		nanos.put(POSTGRES, postgres);
		nanos.put(REDIS, redis);
		long machine = machineBusyNanos();
		nanos.put(ELSEWHERE, (machine < 0) ? 0 : machine - process - postgres - redis);
		return new Reading(System.nanoTime(), nanos);
	}

	/** What each group of threads does, by the names the app, the simulator and the benchmark give them. */
	static String group(String thread) {
		if (thread.startsWith("http-nio-") && thread.contains("-exec-")) {
			return "app: HTTP requests (Tomcat workers)";
		}
		if (thread.startsWith("http-nio-")) {
			return "app: Tomcat acceptor and poller";
		}
		if (thread.startsWith("notice-sms-") || thread.startsWith("notice-email-")) {
			return "app: notice dispatcher workers";
		}
		if (thread.startsWith("scheduling-")) {
			return "app: scheduled work (reconcilers, recording collector, progressive sweep)";
		}
		if (thread.startsWith("progressive-dialer")) {
			return "app: progressive dialer workers";
		}
		if (thread.startsWith("ackline-ami-events")) {
			return "app: AMI events -> call timeline (one thread)";
		}
		if (thread.startsWith("Asterisk-Java") || thread.startsWith("ackline-ami-")
				|| thread.startsWith("ackline-fastagi")) {
			return "app: Asterisk-Java (AMI reader, link, FastAGI)";
		}
		if (thread.startsWith("pbx-")) {
			return PBX;
		}
		if (thread.startsWith("twilio-sim-")) {
			return SIMULATOR;
		}
		if (thread.startsWith("bench-")) {
			return CLIENTS;
		}
		if (thread.startsWith("HttpClient-")) {
			return SELECTORS;
		}
		if (thread.equals("main")) {
			return MAIN;
		}
		return "other JVM threads (mail, Redis, Hikari, ...)";
	}

	// the stack's postmaster names its port on its command line; its children (one per connection) are found from it
	private Stream<ProcessHandle> postgresProcesses() {
		return ProcessHandle.allProcesses()
			.filter(p -> commandContains(p, "postgres") && commandContains(p, "-p " + this.postgresPort))
			.flatMap(p -> Stream.concat(Stream.of(p), p.descendants()));
	}

	private static boolean commandContains(ProcessHandle process, String text) {
		Optional<String> command = process.info().commandLine();
		return command.isPresent() && command.get().contains(text);
	}

	private static long processCpu(Stream<ProcessHandle> processes) {
		return processes.mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
	}

	// the JVM's own threads (GC, JIT) are no Java threads; Linux names them in /proc/self/task/TID/stat
	private static Map<String, Long> nativeThreads() {
		Map<String, Long> cpu = new LinkedHashMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			tasks.forEach(task -> {
				try {
					String stat = Files.readString(task.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					// after the name: state is field 0, utime 11, stime 12 (fields 14 and 15 of the whole line)
					long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
					cpu.merge(name + " " + task.getFileName(), ticks * CLOCK_TICK_NANOS, Long::sum);
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended while we looked
				}
			});
		}
		catch (IOException ex) {
			// not Linux: GC and JIT stay in "other"
		}
		return cpu;
	}

	// busy time of every core since boot, from the first line of /proc/stat: all but idle and iowait
	private static long machineBusyNanos() {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
			String[] fields = lines.get(0).trim().split("\\s+");
			long busy = 0;
			for (int i = 1; i < fields.length && i <= 8; i++) {
				if (i != 4 && i != 5) {
					busy += Long.parseLong(fields[i]);
				}
			}
			return busy * CLOCK_TICK_NANOS;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** Stops watching threads. */
	@Override
	public void close() {
		this.tracker.shutdownNow();
	}

	private record Seen(String group, long cpuNanos) {
	}

	/** CPU time used so far, by group, and when it was read. */
	record Reading(long at, Map<String, Long> nanos) {

		/** CPU seconds each group used since {@code earlier}, largest first, and the wall time between. */
		Usage since(Reading earlier, long items) {
			Map<String, Double> seconds = new LinkedHashMap<>();
			this.nanos.entrySet()
				.stream()
				.map(e -> Map.entry(e.getKey(), (e.getValue() - earlier.nanos.getOrDefault(e.getKey(), 0L)) / 1e9))
				.filter(e -> e.getValue() >= 0.005)
				.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
				.forEach(e -> seconds.put(e.getKey(), e.getValue()));
			return new Usage((this.at - earlier.at) / 1e9, seconds, items);
		}

	}

	/** CPU seconds by group over {@code wallSeconds}, in which {@code items} went through (0: not counted). */
	record Usage(double wallSeconds, Map<String, Double> seconds, long items) {

		double total() {
			return this.seconds.values().stream().mapToDouble(Double::doubleValue).sum();
		}

		/** The app in this JVM with PostgreSQL and Redis: what a deployment of Ackline would spend. */
		double appSide() {
			return total() - harness() - this.seconds.getOrDefault(ELSEWHERE, 0.0);
		}

		/** The simulator and the benchmark's clients, which stand in for Twilio and the upstream systems. */
		double harness() {
			return this.seconds.entrySet()
				.stream()
				.filter(e -> HARNESS.contains(e.getKey()))
				.mapToDouble(Map.Entry::getValue)
				.sum();
		}

	}

}
