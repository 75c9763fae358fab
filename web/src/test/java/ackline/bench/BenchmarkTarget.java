package ackline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ackline.localrun.LocalRun;
import ackline.localrun.LocalStack;
import ackline.localrun.TwilioSimulator;
import ackline.testing.Api;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * The Ackline the benchmark measures: started here on a {@link LocalStack} with the SMS rate limit lifted (the
 * default), or a local run started elsewhere ({@code -Dbenchmark.url}), whose database and simulator are reached
 * through their addresses and whatever cannot be reached is not measured.
 */
final class BenchmarkTarget implements AutoCloseable {

	final String description;

	/** How the app is configured, for the report. */
	final String appSettings;

	/** Where requests go. */
	final String appUrl;

	/** What webhooks are signed against. */
	final String publicBaseUrl;

	final String accountSid;

	final String authToken;

	/** Ackline's sender number: where clients' replies go. */
	final String fromNumber;

	/** The app's database, or null when it could not be reached (then the figures it knows are not measured). */
	final BenchmarkDatabase database;

	/** Why there is no database, when there is none. */
	final String databaseMissing;

	/** The CPU meter when the app runs in this JVM, else null. */
	final CpuMeter cpu;

	private final LocalStack stack;

	private final ConfigurableApplicationContext app;

	private final BenchmarkParameters.Remote remote;

	private BenchmarkTarget(String description, String appSettings, String appUrl, String publicBaseUrl,
			String accountSid, String authToken, String fromNumber, BenchmarkDatabase database, String databaseMissing,
			CpuMeter cpu, LocalStack stack, ConfigurableApplicationContext app, BenchmarkParameters.Remote remote) {
		this.description = description;
		this.appSettings = appSettings;
		this.appUrl = appUrl;
		this.publicBaseUrl = publicBaseUrl;
		this.accountSid = accountSid;
		this.authToken = authToken;
		this.fromNumber = fromNumber;
		this.database = database;
		this.databaseMissing = databaseMissing;
		this.cpu = cpu;
		this.stack = stack;
		this.app = app;
		this.remote = remote;
	}

	/**
	 * Starts the local stack and the app on free ports, as the local run does, with the SMS rate limit lifted. The app
	 * port is chosen before the app starts (the stack's URLs name it), so on a shared machine another process may take
	 * it first: then everything starts again on other ports.
	 */
	static BenchmarkTarget inProcess(BenchmarkParameters parameters) throws SQLException {
		return inProcess(parameters.statusCallbacks(), parameters.appArgs());
	}

	/**
	 * As {@link #inProcess(BenchmarkParameters)}, for any benchmark: whether the Twilio simulator posts status
	 * callbacks, and more arguments for the app (which win over the stack's own).
	 */
	static BenchmarkTarget inProcess(boolean statusCallbacks, List<String> appArgs) throws SQLException {
		for (int attempt = 1;; attempt++) {
			try {
				return startInProcess(statusCallbacks, appArgs);
			}
			catch (RuntimeException ex) {
				if (attempt == 3 || !portTaken(ex)) {
					throw ex;
				}
				System.out.println("The app's port was taken meanwhile; starting again on other ports");
			}
		}
	}

	private static boolean portTaken(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getSimpleName().equals("PortInUseException")) {
				return true;
			}
		}
		return false;
	}

	private static BenchmarkTarget startInProcess(boolean statusCallbacks, List<String> appArgs) throws SQLException {
		LocalStack.Settings settings = LocalStack.Settings.forTests();
		LocalStack stack = LocalStack.start(settings.withAppPort(0)
			.withTwilio(settings.twilio().withStatusCallbacks(statusCallbacks))
			.withAppProperty("ackline.sms.rate-per-second", "0"));
		try {
			List<String> args = new ArrayList<>(List.of("--spring.main.banner-mode=off"));
			args.addAll(appArgs);
			ConfigurableApplicationContext app = LocalRun.startApp(stack, args.toArray(String[]::new));
			Environment env = app.getEnvironment();
			TwilioSimulator.Settings twilio = stack.twilio().settings();
			String appSettings = String.format(
					"SMS rate limit %s, %s SMS workers, Hikari pool %s, Tomcat threads %s; simulator: %s, sent/delivered "
							+ "after %d/%d ms, %d threads",
					"0".equals(env.getProperty("ackline.sms.rate-per-second")) ? "lifted"
							: env.getProperty("ackline.sms.rate-per-second") + "/s",
					env.getProperty("ackline.notices.sms-workers", "16"),
					env.getProperty("spring.datasource.hikari.maximum-pool-size", "10"),
					env.getProperty("server.tomcat.threads.max", "200"),
					twilio.statusCallbacks() ? "status callbacks on" : "status callbacks off",
					twilio.sentDelay().toMillis(), twilio.deliveredDelay().toMillis(), twilio.serverThreads());
			String port = env.getProperty("local.server.port", Integer.toString(stack.appPort()));
			BenchmarkDatabase database = BenchmarkDatabase.connect(stack.jdbcUrl(), LocalStack.DATABASE_USER,
					LocalStack.DATABASE_PASSWORD);
			return new BenchmarkTarget("in-process local stack (embedded PostgreSQL, Redis, GreenMail, Twilio simulator)"
					+ " and app", appSettings, "http://127.0.0.1:" + port, stack.publicBaseUrl(),
					stack.twilio().accountSid(), stack.twilio().authToken(), stack.twilioFromNumber(), database, null,
					new CpuMeter(stack.settings().postgresPort(), stack.settings().redisPort()), stack, app, null);
		}
		catch (RuntimeException | Error | SQLException ex) {
			stack.close();
			throw ex;
		}
	}

	/** A running local run; its database and simulator are optional. */
	static BenchmarkTarget remote(BenchmarkParameters.Remote remote) {
		BenchmarkDatabase database = null;
		String missing = null;
		try {
			database = BenchmarkDatabase.connect(remote.jdbcUrl(), remote.jdbcUser(), remote.jdbcPassword());
		}
		catch (SQLException ex) {
			missing = "no access to " + remote.jdbcUrl() + " (" + ex.getMessage() + "); set -Dbenchmark.jdbc-url";
		}
		return new BenchmarkTarget("the local run at " + remote.appUrl(),
				"as that run was started (the local run limits SMS to 10/s unless started with "
						+ "--ackline.sms.rate-per-second=0)",
				remote.appUrl(), remote.publicBaseUrl(), remote.accountSid(), remote.authToken(), remote.fromNumber(),
				database, missing, null, null, null, remote);
	}

	/** The in-process app's context, for what a benchmark hooks into or reads (beans, settings); null when remote. */
	ConfigurableApplicationContext app() {
		return this.app;
	}

	/** The status callbacks the simulator posted, when it runs in this JVM: how many, and how many attempts failed. */
	String callbacks() {
		if (this.stack == null) {
			return null;
		}
		List<TwilioSimulator.StatusCallback> callbacks = this.stack.twilio().callbacks();
		long failed = callbacks.stream().filter(c -> c.httpStatus() < 200 || c.httpStatus() >= 300).count();
		return String.format(Locale.ROOT, "%,d status callback attempts posted, %,d failed", callbacks.size(), failed);
	}

	/** Create requests the simulator has had, when it runs in this JVM; -1 otherwise. */
	long simulatorCreateRequests() {
		return (this.stack != null) ? this.stack.twilio().createRequestCount() : -1;
	}

	/**
	 * Outbound messages at the simulator per recipient: from its store in this JVM, or through its Messages list API.
	 * Null when the simulator cannot be asked.
	 */
	Map<String, Long> messagesPerRecipient() {
		Map<String, Long> counts = new HashMap<>();
		if (this.stack != null) {
			for (TwilioSimulator.SimulatedMessage m : this.stack.twilio().messages()) {
				if (m.outbound()) {
					counts.merge(m.to(), 1L, Long::sum);
				}
			}
			return counts;
		}
		try {
			return listRemoteMessages(counts);
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("Could not list messages at " + this.remote.twilioUrl() + ": " + ex);
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private Map<String, Long> listRemoteMessages(Map<String, Long> counts)
			throws IOException, InterruptedException {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		String auth = "Basic " + Base64.getEncoder()
			.encodeToString((this.remote.accountSid() + ":" + this.remote.authToken()).getBytes(StandardCharsets.UTF_8));
		String page = "/2010-04-01/Accounts/" + this.remote.accountSid() + "/Messages.json?PageSize=1000";
		while (page != null) {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(this.remote.twilioUrl() + page))
				.header("Authorization", auth)
				.timeout(Duration.ofSeconds(60))
				.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
			}
			JsonNode json = Api.mapper().readTree(response.body());
			for (JsonNode m : json.get("messages")) {
				if (m.get("direction").asString().startsWith("outbound")) {
					counts.merge(m.get("to").asString(), 1L, Long::sum);
				}
			}
			JsonNode next = json.get("next_page_uri");
			page = (next == null || next.isNull()) ? null : next.asString();
		}
		return counts;
	}

	@Override
	public void close() throws SQLException {
		try {
			if (this.database != null) {
				this.database.close();
			}
		}
		finally {
			if (this.cpu != null) {
				this.cpu.close();
			}
			if (this.app != null) {
				this.app.close();
			}
			if (this.stack != null) {
				this.stack.close();
			}
		}
	}

}
