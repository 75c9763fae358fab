package ackline.localrun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

import ackline.pbx.CallScript;
import ackline.pbx.SimulatedPbx;
import ackline.testing.s3.S3MockServer;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * The services Ackline needs, embedded and on loopback: PostgreSQL, Redis, a mail server (GreenMail SMTP + IMAP),
 * the Twilio simulator, the simulated PBX (AMI, FastAGI back to the app, WAV recordings in a spool directory) and
 * S3Mock for evidence bodies (it takes the Object Lock calls but does not enforce them, so the app starts with
 * {@code ackline.evidence.self-check=warn} and says so); with the command-line arguments that point the app at them.
 * Used by the local run, integration tests and benchmarks alike.
 */
public final class LocalStack implements AutoCloseable {

	public static final String NOTICES_ADDRESS = "notices@ackline.local";

	public static final String NOTICES_PASSWORD = "notices";

	public static final String DATABASE = "ackline";

	public static final String DATABASE_USER = "postgres";

	public static final String DATABASE_PASSWORD = "postgres";

	/** The bucket evidence bodies go to in S3Mock (the app creates it, with Object Lock, at start-up). */
	public static final String EVIDENCE_BUCKET = "ackline-evidence";

	/** The argument naming the running stack, so {@link LocalRunConfiguration} can find it in the same JVM. */
	static final String STACK_ID_PROPERTY = "localrun.stack-id";

	private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

	private static final Map<String, LocalStack> RUNNING = new ConcurrentHashMap<>();

	private final String id = UUID.randomUUID().toString();

	private final Settings requested;

	private Settings settings;

	private EmbeddedPostgres postgres;

	private RedisServer redis;

	private GreenMail greenMail;

	private TwilioSimulator twilio;

	private SimulatedPbx pbx;

	private S3MockServer s3;

	private Path spoolDir;

	private volatile boolean answerByHand;

	private Thread shutdownHook;

	private volatile boolean closed;

	private LocalStack(Settings settings) {
		this.requested = settings;
	}

	/**
	 * Starts PostgreSQL, Redis, GreenMail, the Twilio simulator, the simulated PBX and S3Mock, in that order. A port
	 * of 0 means a free one; a fixed port that is taken is replaced by a free one when
	 * {@link Settings#fallbackToFreePorts()} allows.
	 */
	public static LocalStack start(Settings settings) {
		LocalStack stack = new LocalStack(settings);
		try {
			stack.startAll();
		}
		catch (RuntimeException | Error ex) {
			stack.close();
			throw ex;
		}
		RUNNING.put(stack.id, stack);
		return stack;
	}

	/** The stack started in this JVM under that id, if it is still running. */
	static Optional<LocalStack> lookup(String id) {
		return Optional.ofNullable(RUNNING.get(id));
	}

	private void startAll() {
		Settings s = this.requested;
		int appPort = resolvePort(s.appPort(), "app", s.fallbackToFreePorts());
		int postgresPort = resolvePort(s.postgresPort(), "PostgreSQL", s.fallbackToFreePorts());
		this.postgres = startPostgres(postgresPort);
		int redisPort = resolvePort(s.redisPort(), "Redis", s.fallbackToFreePorts());
		this.redis = startRedis(redisPort);
		int smtpPort = resolvePort(s.smtpPort(), "SMTP", s.fallbackToFreePorts());
		int imapPort = resolvePort(s.imapPort(), "IMAP", s.fallbackToFreePorts());
		this.greenMail = startMail(smtpPort, imapPort);
		int twilioPort = resolvePort(s.twilio().port(), "Twilio simulator", s.fallbackToFreePorts());
		this.twilio = TwilioSimulator.start(s.twilio().withPort(twilioPort));
		int amiPort = resolvePort(s.amiPort(), "AMI (simulated PBX)", s.fallbackToFreePorts());
		this.spoolDir = createSpoolDir();
		this.pbx = new SimulatedPbx(s.pbx()).start(amiPort, this.spoolDir);
		// the app's FastAGI server binds this port later; chosen here so the PBX is told where to connect back
		int agiPort = resolvePort(s.agiPort(), "FastAGI", s.fallbackToFreePorts());
		int s3Port = resolvePort(s.s3Port(), "S3Mock", s.fallbackToFreePorts());
		this.s3 = S3MockServer.start(s3Port);
		this.settings = new Settings(appPort, postgresPort, redisPort, smtpPort, imapPort,
				s.twilio().withPort(twilioPort), s.twilioFromNumber(), this.pbx.port(), agiPort, s3Port, s.pbx(),
				s.fallbackToFreePorts(), s.demoUsers(), s.registerShutdownHook(), s.appProperties());
		if (s.registerShutdownHook()) {
			this.shutdownHook = new Thread(this::close, "local-stack-shutdown");
			Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		}
	}

	private static EmbeddedPostgres startPostgres(int port) {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setPort(port)
				.setServerConfig("listen_addresses", "127.0.0.1")
				.setServerConfig("max_connections", "300")
				// a throw-away developer database: durability buys nothing here and costs seconds per test run
				.setServerConfig("fsync", "off")
				.setServerConfig("synchronous_commit", "off")
				.setServerConfig("full_page_writes", "off")
				.setRegisterShutdownHook(false)
				.setPGStartupWait(Duration.ofSeconds(60))
				.start();
			try (Connection connection = postgres.getPostgresDatabase().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE " + DATABASE);
			}
			return postgres;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Embedded PostgreSQL did not start on port " + port, ex);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Embedded PostgreSQL started but database " + DATABASE
					+ " could not be created", ex);
		}
	}

	private static RedisServer startRedis(int port) {
		try {
			RedisServer redis = RedisServer.newRedisServer()
				.port(port)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.setting("protected-mode yes")
				.build();
			redis.start();
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Embedded Redis did not start on port " + port, ex);
		}
	}

	private static GreenMail startMail(int smtpPort, int imapPort) {
		ServerSetup smtp = new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
		ServerSetup imap = new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
		smtp.setServerStartupTimeout(10_000);
		imap.setServerStartupTimeout(10_000);
		GreenMail greenMail = new GreenMail(new ServerSetup[] { smtp, imap });
		greenMail.setUser(NOTICES_ADDRESS, NOTICES_ADDRESS, NOTICES_PASSWORD);
		greenMail.start();
		return greenMail;
	}

	private static Path createSpoolDir() {
		try {
			return Files.createTempDirectory("ackline-localrun-spool-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the simulated PBX's recordings spool", ex);
		}
	}

	private static int resolvePort(int wanted, String what, boolean fallback) {
		if (wanted == 0) {
			return freePort();
		}
		if (isFree(wanted)) {
			return wanted;
		}
		if (!fallback) {
			throw new IllegalStateException(what + " port " + wanted + " is taken; choose another with the localrun."
					+ "*-port settings or allow a fallback to a free port");
		}
		int free = freePort();
		log.warn("{} port {} is taken; using {} instead", what, wanted, free);
		return free;
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			// as the servers themselves bind: a port whose last connections linger in TIME_WAIT is free
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on loopback", ex);
		}
	}

	// ---------------------------------------------------------------- addresses

	/** The settings with every port resolved to the one in use. */
	public Settings settings() {
		return this.settings;
	}

	public String id() {
		return this.id;
	}

	public int appPort() {
		return this.settings.appPort();
	}

	/** {@code ackline.public-base-url}: where clients' links and Twilio's webhooks point. */
	public String publicBaseUrl() {
		return this.settings.appProperties().getOrDefault("ackline.public-base-url", "http://localhost:" + appPort());
	}

	public String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.settings.postgresPort() + "/" + DATABASE;
	}

	public String redisUrl() {
		return "redis://localhost:" + this.settings.redisPort();
	}

	public int smtpPort() {
		return this.settings.smtpPort();
	}

	public int imapPort() {
		return this.settings.imapPort();
	}

	public String twilioFromNumber() {
		return this.settings.twilioFromNumber();
	}

	/** The mail server: every mailbox, the clients' as well as {@value #NOTICES_ADDRESS}. */
	public GreenMail greenMail() {
		return this.greenMail;
	}

	public TwilioSimulator twilio() {
		return this.twilio;
	}

	/** The simulated PBX: script numbers, or answer, reject, hang up and press keys as the client. */
	public SimulatedPbx pbx() {
		return this.pbx;
	}

	/**
	 * Whether client phones with no script of their own wait for a person on the simulator page (they ring until
	 * answered, rejected, or the caller gives up) instead of answering by themselves after about 2 s.
	 */
	public void answerByHand(boolean byHand) {
		this.pbx.defaultScript(byHand ? CallScript.noAnswer() : null);
		this.answerByHand = byHand;
	}

	public boolean answersByHand() {
		return this.answerByHand;
	}

	/** The simulated PBX's AMI port on 127.0.0.1. */
	public int amiPort() {
		return this.settings.amiPort();
	}

	/** The port of the app's FastAGI server, which the PBX connects to for IVR calls. */
	public int agiPort() {
		return this.settings.agiPort();
	}

	/** {@code ackline.asterisk.agi-url}: where the PBX runs the notice acknowledgement script. */
	public String agiUrl() {
		return "agi://127.0.0.1:" + agiPort() + "/notice-ack";
	}

	/** The PBX's monitor spool: it writes a WAV per recorded call, the app stores it as evidence and deletes it. */
	public Path spoolDir() {
		return this.spoolDir;
	}

	/** S3Mock, where the app keeps evidence bodies (recordings, raw messages) in {@value #EVIDENCE_BUCKET}. */
	public S3MockServer s3() {
		return this.s3;
	}

	public int s3Port() {
		return this.settings.s3Port();
	}

	/** {@code ackline.s3.endpoint}. */
	public String s3Endpoint() {
		return this.s3.endpoint();
	}

	/** The app's configuration for this stack, in argument order. */
	public Map<String, String> applicationProperties() {
		Map<String, String> p = new LinkedHashMap<>();
		p.put("server.port", Integer.toString(appPort()));
		p.put("server.address", "127.0.0.1");
		p.put("spring.datasource.url", jdbcUrl());
		p.put("spring.datasource.username", DATABASE_USER);
		p.put("spring.datasource.password", DATABASE_PASSWORD);
		p.put("ackline.redis.url", redisUrl());
		p.put("spring.mail.host", "localhost");
		p.put("spring.mail.port", Integer.toString(smtpPort()));
		p.put("spring.mail.username", NOTICES_ADDRESS);
		p.put("spring.mail.password", NOTICES_PASSWORD);
		p.put("ackline.mail.from", NOTICES_ADDRESS);
		p.put("ackline.imap.enabled", "true");
		p.put("ackline.imap.host", "localhost");
		p.put("ackline.imap.port", Integer.toString(imapPort()));
		p.put("ackline.imap.username", NOTICES_ADDRESS);
		p.put("ackline.imap.password", NOTICES_PASSWORD);
		p.put("ackline.imap.protocol", "imap");
		p.put("ackline.twilio.account-sid", this.twilio.accountSid());
		p.put("ackline.twilio.auth-token", this.twilio.authToken());
		p.put("ackline.twilio.api-base-url", this.twilio.baseUrl());
		p.put("ackline.twilio.from-number", twilioFromNumber());
		p.put("ackline.public-base-url", "http://localhost:" + appPort());
		p.put("ackline.demo-users", Boolean.toString(this.settings.demoUsers()));
		p.put("ackline.asterisk.enabled", "true");
		p.put("ackline.asterisk.host", "127.0.0.1");
		p.put("ackline.asterisk.port", Integer.toString(amiPort()));
		p.put("ackline.asterisk.username", this.settings.pbx().managerUser());
		p.put("ackline.asterisk.password", this.settings.pbx().managerSecret());
		p.put("ackline.asterisk.agi-bind", "127.0.0.1");
		p.put("ackline.asterisk.agi-port", Integer.toString(agiPort()));
		p.put("ackline.asterisk.agi-url", agiUrl());
		p.put("ackline.asterisk.recordings-dir", this.spoolDir.toString());
		// people try the local run at night and at weekends; the IVR's digit timeout stays 6 s for fingers on a page
		p.put("ackline.callbacks.any-time", "true");
		p.put("ackline.s3.endpoint", s3Endpoint());
		p.put("ackline.s3.region", "us-east-1");
		p.put("ackline.s3.access-key", S3MockServer.ACCESS_KEY);
		p.put("ackline.s3.secret-key", S3MockServer.SECRET_KEY);
		p.put("ackline.s3.bucket", EVIDENCE_BUCKET);
		// S3Mock stores Object Lock settings without enforcing them: only the canary (a locked version it lets us
		// delete) shows that, so the self-check runs with it and warns instead of refusing to start
		p.put("ackline.evidence.self-check", "warn");
		p.put("ackline.evidence.self-check-canary", "true");
		// ... and a store that does not enforce is expected here: /actuator/health/evidenceStore says NOT_ENFORCING
		// (503), but it ranks below UP, so the app's status stays UP while every real adapter is
		p.put("management.endpoint.health.status.order", "down,out-of-service,up,not-enforcing,unknown");
		p.put(STACK_ID_PROPERTY, this.id);
		p.putAll(this.settings.appProperties());
		return p;
	}

	/**
	 * The stack's configuration as {@code --name=value} arguments followed by {@code userArgs}; where the user gives
	 * a property the stack also sets, the user's value wins and the stack's is left out.
	 */
	public String[] applicationArguments(String... userArgs) {
		Map<String, String> properties = applicationProperties();
		for (String arg : userArgs) {
			String name = optionName(arg);
			if (name != null) {
				properties.remove(name);
			}
		}
		List<String> args = new ArrayList<>();
		properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		Collections.addAll(args, userArgs);
		return args.toArray(String[]::new);
	}

	private static String optionName(String arg) {
		if (!arg.startsWith("--") || arg.length() < 3) {
			return null;
		}
		int eq = arg.indexOf('=');
		return (eq < 0) ? arg.substring(2) : arg.substring(2, eq);
	}

	// ---------------------------------------------------------------- shutdown

	/** Stops every service and its child process; safe to call twice, and from a shutdown hook. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		RUNNING.remove(this.id);
		if (this.shutdownHook != null && Thread.currentThread() != this.shutdownHook) {
			try {
				Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
			}
			catch (IllegalStateException ex) {
				// already shutting down
			}
		}
		quietly("simulated PBX", () -> {
			if (this.pbx != null) {
				this.pbx.stop();
			}
		});
		quietly("recordings spool", () -> {
			if (this.spoolDir != null) {
				deleteRecursively(this.spoolDir);
			}
		});
		quietly("S3Mock", () -> {
			if (this.s3 != null) {
				this.s3.stopAndDeleteFiles();
			}
		});
		quietly("Twilio simulator", () -> {
			if (this.twilio != null) {
				this.twilio.close();
			}
		});
		quietly("GreenMail", () -> {
			if (this.greenMail != null) {
				this.greenMail.stop();
			}
		});
		quietly("Redis", () -> {
			if (this.redis != null) {
				this.redis.stop();
			}
		});
		quietly("PostgreSQL", () -> {
			if (this.postgres != null) {
				this.postgres.close();
			}
		});
	}

	private static void deleteRecursively(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	private static void quietly(String what, ThrowingRunnable action) {
		try {
			action.run();
		}
		catch (Exception ex) {
			log.warn("Stopping {} failed", what, ex);
		}
	}

	@FunctionalInterface
	private interface ThrowingRunnable {

		void run() throws Exception;

	}

	// ---------------------------------------------------------------- settings

	/**
	 * Which ports and options the stack starts with.
	 *
	 * @param appPort the app's HTTP port (0: a free one, chosen before the app starts so the public base URL and
	 * Twilio callback URLs are right)
	 * @param twilio the simulator's settings, its port included
	 * @param twilioFromNumber our sender number ({@code ackline.twilio.from-number})
	 * @param amiPort the simulated PBX's AMI port (Asterisk's 5038 in the local run)
	 * @param agiPort the port the app's FastAGI server listens on, which the PBX connects back to for IVR calls
	 * @param s3Port S3Mock's HTTP port ({@code ackline.s3.endpoint})
	 * @param pbx the simulated PBX's manager user and how its phones behave (clients answer after about 2 s)
	 * @param fallbackToFreePorts whether a fixed port that is taken is replaced by a free one (with a warning)
	 * @param demoUsers whether the app seeds the demo users
	 * @param registerShutdownHook whether the stack stops itself at JVM exit (the local run orders this itself)
	 * @param appProperties more app properties, e.g. a lifted rate limit for a benchmark; they win over the stack's
	 */
	public record Settings(int appPort, int postgresPort, int redisPort, int smtpPort, int imapPort,
			TwilioSimulator.Settings twilio, String twilioFromNumber, int amiPort, int agiPort, int s3Port,
			SimulatedPbx.Settings pbx, boolean fallbackToFreePorts, boolean demoUsers, boolean registerShutdownHook,
			Map<String, String> appProperties) {

		public static final int DEFAULT_APP_PORT = 8080;

		public static final int DEFAULT_POSTGRES_PORT = 15432;

		public static final int DEFAULT_REDIS_PORT = 16379;

		public static final int DEFAULT_SMTP_PORT = 3025;

		public static final int DEFAULT_IMAP_PORT = 3143;

		public static final int DEFAULT_TWILIO_PORT = 18080;

		public static final String DEFAULT_FROM_NUMBER = "+15005550006";

		/** Asterisk's default manager port, so any AMI client finds the simulated PBX where it expects Asterisk. */
		public static final int DEFAULT_AMI_PORT = SimulatedPbx.DEFAULT_AMI_PORT;

		/** The FastAGI default port (Asterisk's {@code agi://host} without a port means 4573). */
		public static final int DEFAULT_AGI_PORT = 4573;

		/**
		 * S3Mock's HTTP port: not its own default 9090 (Prometheus' and Cockpit's port, and any S3Mock a developer
		 * already runs) but 1 + that, as PostgreSQL, Redis and the Twilio simulator are here.
		 */
		public static final int DEFAULT_S3_PORT = 19090;

		public Settings {
			Objects.requireNonNull(pbx, "pbx");
			appProperties = Collections.unmodifiableMap(new LinkedHashMap<>(appProperties));
		}

		/** The local run's fixed ports, falling back to free ones when taken. */
		public static Settings defaults() {
			return new Settings(DEFAULT_APP_PORT, DEFAULT_POSTGRES_PORT, DEFAULT_REDIS_PORT, DEFAULT_SMTP_PORT,
					DEFAULT_IMAP_PORT, TwilioSimulator.Settings.defaults().withPort(DEFAULT_TWILIO_PORT),
					DEFAULT_FROM_NUMBER, DEFAULT_AMI_PORT, DEFAULT_AGI_PORT, DEFAULT_S3_PORT, SimulatedPbx.Settings.defaults(),
					true, true,
					true, Map.of());
		}

		/** Free ports everywhere and quick status callbacks, for tests that run beside a local run. */
		public static Settings forTests() {
			return new Settings(0, 0, 0, 0, 0, TwilioSimulator.Settings.defaults()
				.withDelays(Duration.ofMillis(50), Duration.ofMillis(50))
				.withCallbackRetries(3, Duration.ofMillis(200)), DEFAULT_FROM_NUMBER, 0, 0, 0,
					SimulatedPbx.Settings.defaults(), true, true, true, Map.of());
		}

		/**
		 * The defaults, overridden by {@code --localrun.NAME=VALUE} arguments, {@code -Dlocalrun.NAME=VALUE} system
		 * properties or {@code LOCALRUN_NAME} environment variables (in that order of precedence), NAME being
		 * {@code app-port}, {@code postgres-port}, {@code redis-port}, {@code smtp-port}, {@code imap-port},
		 * {@code twilio-port}, {@code twilio-sent-delay-ms}, {@code twilio-delivered-delay-ms}, {@code from-number},
		 * {@code ami-port}, {@code agi-port}, {@code s3-port}. The app port also follows {@code --server.port}.
		 */
		public static Settings fromEnvironment(String[] args) {
			return fromEnvironment(args, System::getProperty, System::getenv);
		}

		static Settings fromEnvironment(String[] args, Function<String, String> systemProperties,
				Function<String, String> environment) {
			Map<String, String> given = new LinkedHashMap<>();
			for (String arg : args) {
				if (arg.startsWith("--localrun.") && arg.contains("=")) {
					given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
				}
				else if (arg.startsWith("--server.port=")) {
					given.put("localrun.app-port", arg.substring("--server.port=".length()));
				}
			}
			Function<String, String> lookup = name -> {
				String key = "localrun." + name;
				if (given.containsKey(key)) {
					return given.get(key);
				}
				String value = systemProperties.apply(key);
				if (value != null) {
					return value;
				}
				return environment.apply("LOCALRUN_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
			};
			Settings d = defaults();
			TwilioSimulator.Settings twilio = d.twilio()
				.withPort(port(lookup, "twilio-port", DEFAULT_TWILIO_PORT))
				.withDelays(Duration.ofMillis(number(lookup, "twilio-sent-delay-ms", d.twilio().sentDelay().toMillis())),
						Duration.ofMillis(number(lookup, "twilio-delivered-delay-ms", d.twilio().deliveredDelay().toMillis())));
			String sid = System.getenv("ACKLINE_TWILIO_ACCOUNT_SID");
			if (sid != null && sid.matches("^AC[0-9a-f]{32}$")) {
				twilio = twilio.withAccount(sid, twilio.authToken());
			}
			String from = lookup.apply("from-number");
			return new Settings(port(lookup, "app-port", DEFAULT_APP_PORT),
					port(lookup, "postgres-port", DEFAULT_POSTGRES_PORT), port(lookup, "redis-port", DEFAULT_REDIS_PORT),
					port(lookup, "smtp-port", DEFAULT_SMTP_PORT), port(lookup, "imap-port", DEFAULT_IMAP_PORT), twilio,
					(from != null) ? from : DEFAULT_FROM_NUMBER, port(lookup, "ami-port", DEFAULT_AMI_PORT),
					port(lookup, "agi-port", DEFAULT_AGI_PORT), port(lookup, "s3-port", DEFAULT_S3_PORT), d.pbx(),
					true, true, true, Map.of());
		}

		private static int port(Function<String, String> lookup, String name, int fallback) {
			long port = number(lookup, name, fallback);
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("localrun." + name + " is not a port: " + port);
			}
			return (int) port;
		}

		private static long number(Function<String, String> lookup, String name, long fallback) {
			String value = lookup.apply(name);
			if (value == null || value.isBlank()) {
				return fallback;
			}
			try {
				return Long.parseLong(value.trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("localrun." + name + " must be a number, not '" + value + "'", ex);
			}
		}

		public Settings withAppPort(int appPort) {
			return new Settings(appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort, this.twilio,
					this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, this.pbx, this.fallbackToFreePorts, this.demoUsers,
					this.registerShutdownHook, this.appProperties);
		}

		public Settings withServicePorts(int postgresPort, int redisPort, int smtpPort, int imapPort, int twilioPort) {
			return new Settings(this.appPort, postgresPort, redisPort, smtpPort, imapPort,
					this.twilio.withPort(twilioPort), this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, this.pbx,
					this.fallbackToFreePorts, this.demoUsers, this.registerShutdownHook, this.appProperties);
		}

		/** The simulated PBX's AMI port and the app's FastAGI port (0: free ones). */
		public Settings withPbxPorts(int amiPort, int agiPort) {
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort,
					this.twilio, this.twilioFromNumber, amiPort, agiPort, this.s3Port, this.pbx, this.fallbackToFreePorts,
					this.demoUsers, this.registerShutdownHook, this.appProperties);
		}

		public Settings withPbx(SimulatedPbx.Settings pbx) {
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort,
					this.twilio, this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, pbx, this.fallbackToFreePorts,
					this.demoUsers, this.registerShutdownHook, this.appProperties);
		}

		public Settings withTwilio(TwilioSimulator.Settings twilio) {
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort, twilio,
					this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, this.pbx, this.fallbackToFreePorts, this.demoUsers,
					this.registerShutdownHook, this.appProperties);
		}

		/** S3Mock's port (0: a free one). */
		public Settings withS3Port(int s3Port) {
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort,
					this.twilio, this.twilioFromNumber, this.amiPort, this.agiPort, s3Port, this.pbx,
					this.fallbackToFreePorts, this.demoUsers, this.registerShutdownHook, this.appProperties);
		}

		public Settings withFallbackToFreePorts(boolean fallbackToFreePorts) {
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort,
					this.twilio, this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, this.pbx, fallbackToFreePorts,
					this.demoUsers, this.registerShutdownHook, this.appProperties);
		}

		public Settings withDemoUsers(boolean demoUsers) {
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort,
					this.twilio, this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, this.pbx, this.fallbackToFreePorts,
					demoUsers, this.registerShutdownHook, this.appProperties);
		}

		public Settings withRegisterShutdownHook(boolean registerShutdownHook) {
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort,
					this.twilio, this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, this.pbx, this.fallbackToFreePorts,
					this.demoUsers, registerShutdownHook, this.appProperties);
		}

		/** One more app property (it wins over the stack's own value for the same name). */
		public Settings withAppProperty(String name, String value) {
			Map<String, String> properties = new LinkedHashMap<>(this.appProperties);
			properties.put(name, value);
			return new Settings(this.appPort, this.postgresPort, this.redisPort, this.smtpPort, this.imapPort,
					this.twilio, this.twilioFromNumber, this.amiPort, this.agiPort, this.s3Port, this.pbx, this.fallbackToFreePorts,
					this.demoUsers, this.registerShutdownHook, properties);
		}

	}

}
