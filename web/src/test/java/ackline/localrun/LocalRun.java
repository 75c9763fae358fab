package ackline.localrun;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import ackline.AcklineApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Runs Ackline on a machine with only a JDK: embedded PostgreSQL, Redis, mail server, Twilio simulator, simulated PBX
 * and S3Mock (evidence bodies; it does not enforce Object Lock) on loopback, then the app pointed at them, with demo users and the client-phone simulator page.
 * {@code ./mvnw -pl web spring-boot:test-run}; arguments are passed to the app and win over the stack's own.
 */
public final class LocalRun {

	private static final Logger log = LoggerFactory.getLogger(LocalRun.class);

	private LocalRun() {
	}

	public static void main(String[] args) {
		// the hook below stops the app before the services it depends on; separate hooks would race
		LocalStack stack = LocalStack.start(LocalStack.Settings.fromEnvironment(args).withRegisterShutdownHook(false));
		AtomicReference<ConfigurableApplicationContext> app = new AtomicReference<>();
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			ConfigurableApplicationContext context = app.get();
			if (context != null) {
				context.close();
			}
			stack.close();
		}, "localrun-shutdown"));
		try {
			ConfigurableApplicationContext context = startApp(stack,
					withDefault(args, "--spring.main.register-shutdown-hook=false"));
			app.set(context);
			System.out.println(banner(stack, context.getEnvironment()));
		}
		catch (RuntimeException | Error ex) {
			log.error("Ackline did not start; stopping the embedded services", ex);
			System.exit(1);
		}
	}

	/**
	 * Starts Ackline on a running stack, with the local run's additions (the {@code /simulator} page), and returns
	 * it once it answers. {@code args} win over the stack's own properties; a {@code --server.port} among them is
	 * dropped, since the stack's app port is the one its URLs name. Closing the context leaves the stack running.
	 */
	public static ConfigurableApplicationContext startApp(LocalStack stack, String... args) {
		return SpringApplication.from(AcklineApplication::main)
			.with(LocalRunConfiguration.class)
			.run(stack.applicationArguments(withoutServerPort(args)))
			.getApplicationContext();
	}

	// --server.port went into the stack's settings (0 became a concrete free port, so that the public base URL and
	// Twilio's callback URLs name the port the app really listens on); the stack passes it on
	private static String[] withoutServerPort(String[] args) {
		return Arrays.stream(args).filter(arg -> !arg.startsWith("--server.port=")).toArray(String[]::new);
	}

	private static String[] withDefault(String[] args, String defaultArg) {
		String name = defaultArg.substring(0, defaultArg.indexOf('=') + 1);
		for (String arg : args) {
			if (arg.startsWith(name)) {
				return args;
			}
		}
		String[] all = new String[args.length + 1];
		all[0] = defaultArg;
		System.arraycopy(args, 0, all, 1, args.length);
		return all;
	}

	/** The start-up banner, from the {@code localrun/banner.txt} template, with the addresses really in use. */
	static String banner(LocalStack stack, Environment environment) {
		String app = "http://localhost:" + environment.getProperty("local.server.port",
				Integer.toString(stack.appPort()));
		Map<String, String> values = new LinkedHashMap<>();
		values.put("app", app);
		values.put("publicBaseUrl", environment.getProperty("ackline.public-base-url", stack.publicBaseUrl()));
		values.put("jdbcUrl", environment.getProperty("spring.datasource.url", stack.jdbcUrl()));
		values.put("dbUser", LocalStack.DATABASE_USER);
		values.put("dbPassword", LocalStack.DATABASE_PASSWORD);
		values.put("redisUrl", environment.getProperty("ackline.redis.url", stack.redisUrl()));
		values.put("smtpPort", Integer.toString(stack.smtpPort()));
		values.put("imapPort", Integer.toString(stack.imapPort()));
		values.put("noticesAddress", LocalStack.NOTICES_ADDRESS);
		values.put("noticesPassword", LocalStack.NOTICES_PASSWORD);
		values.put("twilioUrl", stack.twilio().baseUrl());
		values.put("accountSid", stack.twilio().accountSid());
		values.put("fromNumber", environment.getProperty("ackline.twilio.from-number", stack.twilioFromNumber()));
		values.put("amiHost", environment.getProperty("ackline.asterisk.host", "127.0.0.1"));
		values.put("amiPort", environment.getProperty("ackline.asterisk.port", Integer.toString(stack.amiPort())));
		values.put("amiUser", environment.getProperty("ackline.asterisk.username", stack.pbx().settings().managerUser()));
		values.put("amiPassword",
				environment.getProperty("ackline.asterisk.password", stack.pbx().settings().managerSecret()));
		values.put("agiUrl", environment.getProperty("ackline.asterisk.agi-url", stack.agiUrl()));
		values.put("spoolDir", environment.getProperty("ackline.asterisk.recordings-dir", stack.spoolDir().toString()));
		values.put("s3Endpoint", environment.getProperty("ackline.s3.endpoint", stack.s3Endpoint()));
		values.put("s3Bucket", environment.getProperty("ackline.s3.bucket", LocalStack.EVIDENCE_BUCKET));
		values.put("s3AccessKey", environment.getProperty("ackline.s3.access-key", ""));
		values.put("s3SecretKey", environment.getProperty("ackline.s3.secret-key", ""));
		String banner = template();
		for (Map.Entry<String, String> value : values.entrySet()) {
			banner = banner.replace("${" + value.getKey() + "}", value.getValue());
		}
		return banner;
	}

	private static String template() {
		try (InputStream in = LocalRun.class.getResourceAsStream("/localrun/banner.txt")) {
			if (in == null) {
				throw new IllegalStateException("localrun/banner.txt is missing from the test classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
