package ackline.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import ackline.localrun.LocalStack;
import ackline.localrun.TwilioSimulator;

/**
 * What the notice benchmark runs, from {@code -Dbenchmark.*} system properties.
 *
 * @param notices how many notices to submit ({@code benchmark.notices}, default 20,000)
 * @param batch notices per batch request ({@code benchmark.batch}, default 500)
 * @param concurrency parallel submitters ({@code benchmark.concurrency}, default 4)
 * @param replies how many clients reply, the first ones submitted ({@code benchmark.replies}, default all)
 * @param replyClients parallel HTTP clients posting the replies ({@code benchmark.reply-clients}, default 16)
 * @param warmup notices submitted, sent and answered before the measured run, to warm the JIT up; they count in no
 * figure ({@code benchmark.warmup}, default 0)
 * @param statusCallbacks whether the simulator posts sent and delivered callbacks, as Twilio does
 * ({@code benchmark.status-callbacks}, default true; in-process only)
 * @param timeout how long to wait for every SMS to be handed over, and again for every reply, before counting what
 * is missing as lost ({@code benchmark.timeout-seconds}, default 600)
 * @param profile whether to sample the app's threads' stacks and say where their time goes
 * ({@code benchmark.profile}, default false: sampling costs a little CPU)
 * @param flightRecording whether to record the measured run with JDK Flight Recorder into
 * {@code target/benchmark/notice-benchmark.jfr}, for CPU hot spots ({@code benchmark.jfr}, default false)
 * @param appArgs more arguments for the in-process app ({@code benchmark.app-args}, split on spaces), e.g.
 * {@code --ackline.notices.sms-workers=32}
 * @param remote an already-running local run to measure instead of starting one ({@code benchmark.url}), or null
 */
record BenchmarkParameters(int notices, int batch, int concurrency, int replies, int replyClients, int warmup,
		boolean statusCallbacks, Duration timeout, boolean profile, boolean flightRecording, List<String> appArgs,
		Remote remote) {

	BenchmarkParameters {
		if (notices < 1 || batch < 1 || concurrency < 1 || replyClients < 1 || warmup < 0) {
			throw new IllegalArgumentException("benchmark.notices, .batch, .concurrency and .reply-clients must be at "
					+ "least 1, benchmark.warmup at least 0");
		}
		if (replies < 0 || replies > notices) {
			throw new IllegalArgumentException("benchmark.replies must be between 0 and benchmark.notices (" + notices
					+ "), not " + replies);
		}
	}

	static BenchmarkParameters fromSystemProperties() {
		int notices = integer("benchmark.notices", 20_000);
		String url = text("benchmark.url", null);
		Remote remote = (url == null) ? null : new Remote(strip(url), text("benchmark.public-base-url", strip(url)),
				text("benchmark.jdbc-url", "jdbc:postgresql://localhost:" + LocalStack.Settings.DEFAULT_POSTGRES_PORT
						+ "/" + LocalStack.DATABASE),
				text("benchmark.jdbc-user", LocalStack.DATABASE_USER),
				text("benchmark.jdbc-password", LocalStack.DATABASE_PASSWORD),
				strip(text("benchmark.twilio-url", "http://localhost:" + LocalStack.Settings.DEFAULT_TWILIO_PORT)),
				text("benchmark.twilio-account-sid", TwilioSimulator.Settings.defaults().accountSid()),
				text("benchmark.twilio-auth-token", TwilioSimulator.Settings.defaults().authToken()),
				text("benchmark.from-number", LocalStack.Settings.DEFAULT_FROM_NUMBER));
		String appArgs = text("benchmark.app-args", "");
		return new BenchmarkParameters(notices, integer("benchmark.batch", 500), integer("benchmark.concurrency", 4),
				integer("benchmark.replies", notices), integer("benchmark.reply-clients", 16),
				integer("benchmark.warmup", 0), Boolean.parseBoolean(text("benchmark.status-callbacks", "true")),
				Duration.ofSeconds(integer("benchmark.timeout-seconds", 600)),
				Boolean.parseBoolean(text("benchmark.profile", "false")),
				Boolean.parseBoolean(text("benchmark.jfr", "false")),
				appArgs.isBlank() ? List.of() : Arrays.asList(appArgs.trim().split("\\s+")), remote);
	}

	static String text(String name, String fallback) {
		String value = System.getProperty(name);
		return (value == null || value.isBlank()) ? fallback : value.trim();
	}

	static int integer(String name, int fallback) {
		String value = text(name, null);
		if (value == null) {
			return fallback;
		}
		try {
			return Integer.parseInt(value.replace("_", "").replace(",", ""));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(name + " must be a whole number, not '" + value + "'", ex);
		}
	}

	private static String strip(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	/**
	 * A local run started elsewhere ({@code ./mvnw -pl web spring-boot:test-run}); every default is the local run's.
	 *
	 * @param appUrl where the app listens ({@code benchmark.url})
	 * @param publicBaseUrl what the app signs webhooks against ({@code benchmark.public-base-url}, default the URL)
	 * @param jdbcUrl its database, for the figures only PostgreSQL knows ({@code benchmark.jdbc-url},
	 * {@code .jdbc-user}, {@code .jdbc-password}); unreachable means those figures are not measured
	 * @param twilioUrl its Twilio simulator, to count messages per number ({@code benchmark.twilio-url})
	 */
	record Remote(String appUrl, String publicBaseUrl, String jdbcUrl, String jdbcUser, String jdbcPassword,
			String twilioUrl, String accountSid, String authToken, String fromNumber) {
	}

}
