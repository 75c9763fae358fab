package ackline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A poor man's profiler for the app's busy threads (Tomcat workers, notice dispatcher workers, the progressive
 * dialer's workers, the AMI events thread, the scheduler): every few milliseconds a stack of each, put in one bucket
 * by what it is doing or waiting for (a PostgreSQL round trip, a Twilio call, BCrypt ...). The share of samples per
 * bucket is the share of those threads' wall time. Started only with {@code -Dbenchmark.profile=true}: each sample
 * stops the JVM briefly.
 */
final class StackSampler implements AutoCloseable {

	static final String BUSY = "busy";

	private static final String IDLE = "idle";

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final Map<String, Map<String, LongAdder>> samples = new ConcurrentHashMap<>();

	private final Thread thread;

	private volatile boolean running = true;

	StackSampler(long intervalMillis) {
		this.thread = new Thread(() -> {
			while (this.running) {
				sample();
				try {
					Thread.sleep(intervalMillis);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "bench-stack-sampler");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void sample() {
		for (ThreadInfo info : this.threads.dumpAllThreads(false, false, 96)) {
			String group = group(info.getThreadName());
			if (group != null) {
				this.samples.computeIfAbsent(group, g -> new ConcurrentHashMap<>())
					.computeIfAbsent(activity(info), a -> new LongAdder())
					.increment();
			}
		}
	}

	private static String group(String thread) {
		if (thread.startsWith("http-nio-") && thread.contains("-exec-")) {
			return "Tomcat workers";
		}
		if (thread.startsWith("notice-sms-")) {
			return "SMS dispatcher workers";
		}
		if (thread.startsWith("progressive-dialer")) {
			return "progressive dialer workers";
		}
		if (thread.startsWith("ackline-ami-events")) {
			return "AMI events thread (call timeline)";
		}
		if (thread.startsWith("scheduling-")) {
			return "scheduler (recording collector, reconcilers, sweeps)";
		}
		return null;
	}

	/** What a thread is doing, from the innermost frame outwards. */
	static String activity(ThreadInfo info) {
		StackTraceElement[] elements = info.getStackTrace();
		String[] stack = new String[elements.length];
		for (int i = 0; i < elements.length; i++) {
			stack[i] = elements[i].getClassName() + "." + elements[i].getMethodName();
		}
		boolean io = isSocketRead(stack);
		if (has(stack, "com.zaxxer.hikari.pool.HikariPool.getConnection")
				&& info.getThreadState() != Thread.State.RUNNABLE) {
			return "waiting for a pooled DB connection (Hikari)";
		}
		if (info.getThreadState() != Thread.State.RUNNABLE) {
			// a pool thread waiting for work (Tomcat's, the dialer's, the scheduler's) is idle
			if (has(stack, "org.apache.tomcat.util.threads.TaskQueue") || has(stack, "ThreadPoolExecutor.getTask")
					|| has(stack, "redis.clients.jedis") && has(stack, "ackline.queue.RedisWorkQueue.take")) {
				return IDLE;
			}
			if (has(stack, "io.github.bucket4j")) {
				return "rate limiter wait";
			}
			if (has(stack, "SecureRandom") || has(stack, "NativePRNG")) {
				return "waiting for the JVM's shared SecureRandom (random UUIDs, ids)";
			}
			return "blocked or waiting: " + top(stack);
		}
		if (io && has(stack, "org.postgresql")) {
			return "PostgreSQL round trip";
		}
		if (io && has(stack, "ackline.queue.RedisWorkQueue.take")) {
			return IDLE;
		}
		if (io && has(stack, "redis.clients")) {
			return "Redis round trip";
		}
		if (io && has(stack, "org.apache.hc.")) {
			return "Twilio API call (waiting for the simulator)";
		}
		if (has(stack, "org.asteriskjava")) {
			return "AMI action (Asterisk-Java)";
		}
		if (io && has(stack, "org.apache.coyote")) {
			return "reading the HTTP request";
		}
		if (has(stack, "BCrypt")) {
			return "BCrypt (HTTP Basic sign-in)";
		}
		if (has(stack, "com.samskivert.mustache") || has(stack, "NoticeTemplates")) {
			return "rendering templates";
		}
		if (has(stack, "com.twilio.security.RequestValidator")) {
			return "checking the Twilio signature";
		}
		if (has(stack, "tools.jackson") || has(stack, "com.fasterxml.jackson")) {
			return "JSON (Jackson)";
		}
		if (has(stack, "org.postgresql")) {
			return "JDBC driver (CPU)";
		}
		if (has(stack, "com.twilio") || has(stack, "org.apache.hc.")) {
			return "Twilio SDK / HTTP client (CPU)";
		}
		if (has(stack, "com.google.i18n.phonenumbers")) {
			return "phone number parsing";
		}
		if (has(stack, "org.springframework.security")) {
			return "Spring Security (other)";
		}
		return "other: " + top(stack);
	}

	private static boolean isSocketRead(String[] stack) {
		for (int i = 0; i < Math.min(stack.length, 12); i++) {
			String frame = stack[i];
			if (frame.contains("SocketDispatcher.read") || frame.contains("NioSocketImpl") || frame.contains("socketRead")
					|| frame.contains("EPoll.wait") || frame.contains("Net.poll")) {
				return true;
			}
		}
		return false;
	}

	private static boolean has(String[] stack, String text) {
		for (String frame : stack) {
			if (frame.contains(text)) {
				return true;
			}
		}
		return false;
	}

	// the innermost frame that is not the JDK's, which says more than Unsafe.park
	private static String top(String[] stack) {
		for (String frame : stack) {
			if (!frame.startsWith("java.") && !frame.startsWith("jdk.") && !frame.startsWith("sun.")) {
				String type = frame.substring(0, frame.lastIndexOf('.'));
				return frame.substring(type.lastIndexOf('.') + 1);
			}
		}
		return (stack.length > 0) ? stack[0] : "(no stack)";
	}

	/**
	 * Takes the samples so far and starts afresh: per group, {@value #BUSY} (the share of samples not idle), then the
	 * share of the busy samples per activity, largest first.
	 */
	Map<String, Map<String, Double>> drain() {
		Map<String, Map<String, Double>> shares = new TreeMap<>();
		for (String group : this.samples.keySet()) {
			Map<String, LongAdder> counts = this.samples.remove(group);
			long total = counts.values().stream().mapToLong(LongAdder::sum).sum();
			long busy = counts.entrySet()
				.stream()
				.filter(e -> !e.getKey().startsWith(IDLE))
				.mapToLong(e -> e.getValue().sum())
				.sum();
			Map<String, Double> share = new LinkedHashMap<>();
			share.put(BUSY, (total == 0) ? 0 : 100.0 * busy / total);
			counts.entrySet()
				.stream()
				.filter(e -> !e.getKey().startsWith(IDLE))
				.sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
				.forEach(e -> share.put(e.getKey(), 100.0 * e.getValue().sum() / busy));
			shares.put(group, share);
		}
		return shares;
	}

	@Override
	public void close() {
		this.running = false;
		this.thread.interrupt();
	}

}
