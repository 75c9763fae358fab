package ackline.evidence.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import ackline.evidence.Sha256;
import ackline.evidence.EvidenceKind;
import ackline.evidence.EvidenceLinks;
import ackline.evidence.EvidenceRetention;
import ackline.evidence.NewEvidence;
import ackline.evidence.StoredEvidence;
import ackline.evidence.verify.VerificationRun;
import ackline.evidence.verify.Verifications;
import ackline.testing.s3.CephRgw;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 evidence store against Ceph RGW (Object Lock enforced), as the benchmark asks: recordings of 1–10 MB
 * streamed from temporary WAV files ({@code storeFile}, multipart above the part size) and small message objects
 * ({@code store}), in parallel; MB/s, objects/s, peak heap, CPU, then a verification pass ({@code EvidenceVerifier}
 * over every object) and a parallel read-back through the port. Figures are reported, never asserted; it fails only
 * when an object is lost, altered, counted wrong or left in PostgreSQL instead of the bucket. Not part of the suite
 * (tag {@code benchmark}); the README's "Benchmarks" section says how to run it.
 */
@Tag("benchmark")
class EvidenceBenchmark {

	private static final long MB = 1024 * 1024;

	private static final EvidenceKind[] MESSAGE_KINDS = { EvidenceKind.SMS_SENT, EvidenceKind.SMS_STATUS,
			EvidenceKind.SMS_STATUS, EvidenceKind.SMS_RECEIVED, EvidenceKind.EMAIL_SENT, EvidenceKind.ACK_CLICK };

	final int recordings = Integer.getInteger("benchmark.recordings", 200);

	final int recordingMinMb = Integer.getInteger("benchmark.recording-min-mb", 1);

	final int recordingMaxMb = Integer.getInteger("benchmark.recording-max-mb", 10);

	final int messages = Integer.getInteger("benchmark.messages", 20_000);

	final int threads = Integer.getInteger("benchmark.threads", 8);

	/** What one stored object must read back as. */
	record Expected(UUID id, EvidenceKind kind, long size, String sha256) {
	}

	/** A phase's wall time, CPU by consumer and heap. */
	record Phase(String name, long objects, long bytes, double seconds, Cpu.Usage cpu, Heap.Usage heap) {

		double objectsPerSecond() {
			return objects / seconds;
		}

		double mbPerSecond() {
			return bytes / (double) MB / seconds;
		}

	}

	@Test
	void storeAndVerify() throws Exception {
		Assumptions.assumeTrue(CephRgw.installed(), "Ceph RGW not installed (apt-get install radosgw ceph-mon ceph-osd)");
		assertThat(recordingMaxMb).isGreaterThanOrEqualTo(recordingMinMb);
		long[] sizes = recordingSizes();
		long recordingBytes = java.util.Arrays.stream(sizes).sum();
		// every object's body in RAM, plus multipart parts and RGW's head objects: room for twice the data
		long memstore = Math.max(CephRgw.DEFAULT_MEMSTORE_BYTES, 2 * (recordingBytes + messages * 2048L) + (512 * MB));

		long t0 = System.nanoTime();
		CephRgw rgw = CephRgw.start(memstore);
		double rgwStart = seconds(t0);
		SimpleDriverDataSource fresh = (SimpleDriverDataSource) EvidenceDatabase.create();
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(fresh.getUrl());
		pool.setUsername(fresh.getUsername());
		pool.setPassword("");
		pool.setMaximumPoolSize(threads + 2);
		Path files = Files.createTempDirectory("ackline-evidence-benchmark");
		try {
			JdbcClient jdbc = JdbcClient.create(pool);
			S3Bucket bucket = new S3Bucket(S3Settings.of(rgw.endpoint(), CephRgw.ACCESS_KEY, CephRgw.SECRET_KEY,
					"evidence-benchmark"));
			bucket.createIfMissing();
			S3EvidenceStore store = new S3EvidenceStore(bucket, jdbc, Clock.systemUTC(), EvidenceRetention.defaults());
			Cpu cpu = new Cpu(rgw);
			Heap heap = new Heap();

			t0 = System.nanoTime();
			List<Path> wavs = writeRecordings(files, sizes);
			double prepared = seconds(t0);

			Queue<Expected> stored = new ConcurrentLinkedQueue<>();
			Queue<String> errors = new ConcurrentLinkedQueue<>();
			List<Phase> phases = new ArrayList<>();

			phases.add(measure("store recordings (storeFile, " + threads + " threads)", recordings, recordingBytes, cpu,
					heap, () -> parallel(recordings, i -> () -> {
						Path wav = wavs.get(i);
						String sha = sha256(wav);
						StoredEvidence e = store.storeFile(EvidenceKind.CALL_RECORDING, "audio/wav", wav,
								new EvidenceLinks("C%05d".formatted(i % 5000), null, UUID.randomUUID(),
										UUID.randomUUID(), "agent%03d".formatted(i % 200)));
						check(e, sha, sizes[i], errors);
						stored.add(new Expected(e.id(), e.kind(), sizes[i], sha));
						Files.delete(wav); // as the recording collector does once the upload is verified
					}, errors)));

			AtomicLong messageBytes = new AtomicLong();
			phases.add(measure("store messages (store, " + threads + " threads)", messages, -1, cpu, heap,
					() -> parallel(messages, i -> () -> {
						EvidenceKind kind = MESSAGE_KINDS[i % MESSAGE_KINDS.length];
						byte[] body = messageBody(i, kind);
						messageBytes.addAndGet(body.length);
						String sha = Sha256.hex(body);
						StoredEvidence e = store.store(new NewEvidence(kind, contentType(kind), body,
								EvidenceLinks.notice("C%05d".formatted(i % 5000), UUID.randomUUID())));
						check(e, sha, body.length, errors);
						stored.add(new Expected(e.id(), kind, body.length, sha));
					}, errors)));
			Phase messagesPhase = phases.get(1);
			phases.set(1, new Phase(messagesPhase.name(), messagesPhase.objects(), messageBytes.get(),
					messagesPhase.seconds(), messagesPhase.cpu(), messagesPhase.heap()));

			int total = recordings + messages;
			VerificationRun[] run = new VerificationRun[1];
			phases.add(measure("verification pass (EvidenceVerifier, 1 thread)", total, recordingBytes + messageBytes.get(),
					cpu, heap, () -> run[0] = Verifications.runNow(store, jdbc, total)));

			List<Expected> expected = List.copyOf(stored);
			AtomicLong readBack = new AtomicLong();
			phases.add(measure("read back + SHA-256 via the port (" + threads + " threads)", expected.size(),
					recordingBytes + messageBytes.get(), cpu, heap, () -> parallel(expected.size(), i -> () -> {
						Expected x = expected.get(i);
						byte[] body = store.read(x.id()); // re-hashes against the row
						if (body.length != x.size() || !Sha256.hex(body).equals(x.sha256())) {
							errors.add("read back " + x.id() + ": " + body.length + " bytes, not the body stored");
						}
						else {
							readBack.incrementAndGet();
						}
					}, errors)));

			Map<String, Long> rows = new TreeMap<>();
			jdbc.sql("select kind || ' in ' || storage as k, count(*) as n from evidence group by 1")
				.query((rs, n) -> rows.put(rs.getString("k"), rs.getLong("n")))
				.list();
			long queued = jdbc.sql("select count(*) from evidence_upload").query(Long.class).single();
			long inS3 = jdbc.sql("select count(*) from evidence where storage = 'S3' and version_id is not null")
				.query(Long.class)
				.single();

			String report = report(phases, rgwStart, prepared, memstore, run[0], expected.size(), readBack.get(), rows,
					queued, inS3, errors);
			System.out.println(report);
			Path out = Path.of("target/benchmark/evidence-benchmark.txt");
			Files.createDirectories(out.getParent());
			Files.writeString(out, report, StandardCharsets.UTF_8);

			assertThat(errors).as("errors").isEmpty();
			assertThat(expected).hasSize(total);
			assertThat(inS3).as("rows pointing at an object version in the bucket").isEqualTo(total);
			assertThat(queued).as("bodies waiting in PostgreSQL for the bucket").isZero();
			assertThat(readBack.get()).as("objects read back unaltered").isEqualTo(total);
			assertThat(run[0].checked()).as("objects the verifier checked").isEqualTo(total);
			assertThat(run[0].ok()).as("objects the verifier found intact").isEqualTo(total);
		}
		finally {
			pool.close();
			rgw.stop();
			dropDatabase(fresh.getUrl(), fresh.getUsername());
			try (var left = Files.walk(files)) {
				left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
			}
		}
	}

	/** Recording sizes, uniform in [min, max] MB (seeded: the same run every time). */
	long[] recordingSizes() {
		SplittableRandom random = new SplittableRandom(20261121);
		long[] sizes = new long[recordings];
		for (int i = 0; i < recordings; i++) {
			sizes[i] = recordingMinMb * MB + random.nextLong((recordingMaxMb - recordingMinMb) * MB + 1);
		}
		return sizes;
	}

	/** WAV files (a RIFF header, then 8 kHz 16-bit "PCM" noise, different in each file), written before timing starts. */
	static List<Path> writeRecordings(Path dir, long[] sizes) throws Exception {
		List<Path> files = new ArrayList<>();
		for (int i = 0; i < sizes.length; i++) {
			files.add(dir.resolve("call-" + i + ".wav"));
		}
		parallelRun(2, sizes.length, i -> () -> {
			SplittableRandom random = new SplittableRandom(i);
			byte[] chunk = new byte[(int) MB];
			try (OutputStream out = Files.newOutputStream(files.get(i))) {
				long size = sizes[i];
				ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
				header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (size - 8))
					.put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
					.putShort((short) 1).putInt(8000).putInt(16000).putShort((short) 2).putShort((short) 16)
					.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) (size - 44));
				out.write(header.array());
				for (long left = size - 44; left > 0; left -= chunk.length) {
					for (int b = 0; b < chunk.length; b += 8) {
						long v = random.nextLong();
						for (int k = 0; k < 8; k++) {
							chunk[b + k] = (byte) (v >>> (8 * k));
						}
					}
					out.write(chunk, 0, (int) Math.min(left, chunk.length));
				}
			}
		}, new ConcurrentLinkedQueue<>());
		return files;
	}

	/** A provider payload or message of 1–2 KB, as the hub stores them (JSON, or an RFC 822 text for email). */
	static byte[] messageBody(int i, EvidenceKind kind) {
		SplittableRandom random = new SplittableRandom(1_000_000L + i);
		StringBuilder text = new StringBuilder();
		int length = 1024 + random.nextInt(1025);
		String head = kind == EvidenceKind.EMAIL_SENT
				? "From: notices@broker.example\r\nTo: c%05d@example.cn\r\nSubject: Margin call %d\r\n\r\n".formatted(i % 5000, i)
				: "{\"MessageSid\":\"SM%032x\",\"AccountSid\":\"AC%032x\",\"From\":\"+86139%08d\",\"Body\":\""
					.formatted(i, 7, i % 100_000_000);
		text.append(head);
		String filler = "您的账户保证金不足请于今日时前补足否则将被强行平仓回复收到确认";
		int bytes = head.length(); // ASCII
		while (bytes < length - 6) {
			text.append(filler.charAt(random.nextInt(filler.length())));
			bytes += 3; // each of these characters is three bytes in UTF-8
			if (random.nextInt(8) == 0) {
				String digits = Integer.toString(random.nextInt(10_000));
				text.append(digits);
				bytes += digits.length();
			}
		}
		text.append(kind == EvidenceKind.EMAIL_SENT ? "\r\n" : "\"}");
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	static String contentType(EvidenceKind kind) {
		return kind == EvidenceKind.EMAIL_SENT ? "message/rfc822" : "application/json";
	}

	static void check(StoredEvidence e, String sha256, long size, Queue<String> errors) {
		if (!e.sha256().equals(sha256) || e.size() != size) {
			errors.add("stored " + e.id() + " as " + e.size() + " bytes " + e.sha256() + ", not " + size + " " + sha256);
		}
	}

	static String sha256(Path file) throws IOException {
		try (var in = new java.security.DigestInputStream(Files.newInputStream(file),
				java.security.MessageDigest.getInstance("SHA-256"))) {
			in.transferTo(OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(in.getMessageDigest().digest());
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	interface Work {

		void run() throws Exception;

	}

	void parallel(int count, IntFunction<Work> work, Queue<String> errors) throws Exception {
		parallelRun(threads, count, work, errors);
	}

	/** Runs {@code work(0..count-1)} on {@code threads} threads; a failing item is an error, the others go on. */
	static void parallelRun(int threads, int count, IntFunction<Work> work, Queue<String> errors) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			AtomicLong next = new AtomicLong();
			List<Future<?>> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				workers.add(pool.submit(() -> {
					for (int i = (int) next.getAndIncrement(); i < count; i = (int) next.getAndIncrement()) {
						try {
							work.apply(i).run();
						}
						catch (Exception ex) {
							if (errors.size() < 100) {
								errors.add("item " + i + ": " + ex);
							}
						}
					}
				}));
			}
			for (Future<?> worker : workers) {
				worker.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	static Phase measure(String name, long objects, long bytes, Cpu cpu, Heap heap, Work work) throws Exception {
		Cpu.Mark mark = cpu.mark();
		heap.reset();
		long start = System.nanoTime();
		work.run();
		double seconds = seconds(start);
		System.out.printf(Locale.ROOT, "benchmark: %s: %,d objects in %.1f s%n", name, objects, seconds);
		return new Phase(name, objects, bytes, seconds, cpu.since(mark), heap.usage());
	}

	static double seconds(long startNanos) {
		return (System.nanoTime() - startNanos) / 1e9;
	}

	String report(List<Phase> phases, double rgwStart, double prepared, long memstore, VerificationRun run,
			int objects, long readBack, Map<String, Long> rows, long queued, long inS3, Queue<String> errors) {
		StringBuilder r = new StringBuilder();
		java.util.function.Consumer<String> line = s -> r.append(s).append('\n');
		line.accept("=".repeat(100));
		line.accept("Evidence store benchmark: S3EvidenceStore -> Ceph RGW 16 (single-node memstore, Object Lock enforced)");
		line.accept(String.format(Locale.ROOT, "recordings     %,d of %d-%d MB (%,.0f MB), storeFile from temp WAV files",
				recordings, recordingMinMb, recordingMaxMb,
				java.util.Arrays.stream(recordingSizes()).sum() / (double) MB));
		line.accept(String.format(Locale.ROOT, "messages       %,d of 1-2 KB (SMS payloads, status callbacks, replies, "
				+ "emails, ack clicks), store(NewEvidence)", messages));
		line.accept(String.format(Locale.ROOT, "threads        %d; part size 16 MB; PostgreSQL pool %d", threads,
				threads + 2));
		line.accept(String.format(Locale.ROOT, "machine        %d cores, JVM max heap %,d MB, Java %s; memstore %,d MB",
				Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / MB,
				System.getProperty("java.version"), memstore / MB));
		line.accept(String.format(Locale.ROOT, "set-up         Ceph RGW start %.1f s; writing the WAV files %.1f s (not timed)",
				rgwStart, prepared));
		line.accept("=".repeat(100));
		line.accept(String.format(Locale.ROOT, "%-52s %9s %10s %9s %11s %11s", "phase", "wall s", "objects/s",
				"MB/s", "peak heap", "after GC"));
		for (Phase p : phases) {
			line.accept(String.format(Locale.ROOT, "%-52s %9.1f %,10.0f %9.1f %,8d MB %8s", p.name(), p.seconds(),
					p.objectsPerSecond(), p.mbPerSecond(), p.heap().peak() / MB,
					p.heap().afterGc() < 0 ? "no GC" : String.format(Locale.ROOT, "%,d MB", p.heap().afterGc() / MB)));
		}
		line.accept("");
		line.accept("CPU seconds by consumer (machine-wide, /proc/stat; 'rest' = PostgreSQL, other users' builds, OS)");
		for (Phase p : phases) {
			Cpu.Usage u = p.cpu();
			line.accept(String.format(Locale.ROOT, "  %-50s %6.1f of %6.1f available: benchmark JVM %6.1f, Ceph %6.1f, rest %6.1f",
					p.name(), u.total(), p.seconds() * Runtime.getRuntime().availableProcessors(), u.jvm(), u.ceph(),
					u.total() - u.jvm() - u.ceph()));
		}
		line.accept("");
		line.accept("Correctness");
		line.accept(String.format(Locale.ROOT, "  objects stored                                   %,d", objects));
		line.accept(String.format(Locale.ROOT, "  rows pointing at an object version in the bucket %,d", inS3));
		rows.forEach((k, n) -> line.accept(String.format(Locale.ROOT, "    %-46s %,d", k, n)));
		line.accept(String.format(Locale.ROOT, "  bodies left waiting in PostgreSQL (upload queue) %,d", queued));
		line.accept(String.format(Locale.ROOT, "  read back with the SHA-256 and size stored       %,d", readBack));
		line.accept(String.format(Locale.ROOT, "  verifier: checked %,d, ok %,d, mismatches %,d, missing %,d", run.checked(),
				run.ok(), run.mismatches(), run.missing()));
		line.accept(String.format(Locale.ROOT, "  errors                                           %,d", errors.size()));
		errors.stream().limit(10).forEach(e -> line.accept("    " + e));
		return r.toString();
	}

	static void dropDatabase(String url, String user) {
		String server = url.substring(0, url.lastIndexOf('/') + 1);
		String name = url.substring(url.lastIndexOf('/') + 1);
		try (Connection c = DriverManager.getConnection(server + "postgres", user, "");
				Statement s = c.createStatement()) {
			s.execute("drop database if exists " + name + " with (force)");
		}
		catch (Exception ex) {
			// a leftover test database: harmless
		}
	}

	/** Peak heap in a phase: the sum of the heap pools' peaks, and the largest heap left after a collection. */
	static final class Heap {

		private final AtomicLong afterGc = new AtomicLong(-1);

		Heap() {
			NotificationListener listener = (notification, handback) -> {
				if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
					var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
					long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
						.mapToLong(MemoryUsage::getUsed)
						.sum();
					afterGc.accumulateAndGet(used, Math::max);
				}
			};
			for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
				((NotificationEmitter) gc).addNotificationListener(listener, null, null);
			}
		}

		void reset() {
			System.gc(); // each phase starts from its live set, not the previous phase's garbage
			heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
			afterGc.set(-1);
		}

		record Usage(long peak, long afterGc) {
		}

		Usage usage() {
			long peak = heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
			return new Usage(peak, afterGc.get());
		}

		private static List<MemoryPoolMXBean> heapPools() {
			return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
		}

	}

	/** CPU seconds: the whole machine (/proc/stat), this JVM, and the Ceph daemons. */
	static final class Cpu {

		private final CephRgw rgw;

		private final double tick = 100.0; // USER_HZ on Linux

		Cpu(CephRgw rgw) {
			this.rgw = rgw;
		}

		record Mark(double machine, double jvm, double ceph) {
		}

		record Usage(double total, double jvm, double ceph) {
		}

		Mark mark() {
			return new Mark(machine(), jvm(), ceph());
		}

		Usage since(Mark mark) {
			return new Usage(machine() - mark.machine(), jvm() - mark.jvm(), ceph() - mark.ceph());
		}

		private double machine() {
			try {
				String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
				long busy = 0;
				for (int i = 1; i < f.length; i++) {
					if (i != 4 && i != 5 && i <= 8) { // not idle, iowait, nor guest (already in user)
						busy += Long.parseLong(f[i]);
					}
				}
				return busy / tick;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static double jvm() {
			return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getProcessCpuTime() / 1e9;
		}

		private double ceph() {
			return rgw.daemons().stream()
				.mapToDouble(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9)
				.sum();
		}

	}

}
