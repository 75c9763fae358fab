package ackline.localrun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts the embedded services the local run uses and talks to each one the way the app will. */
class LocalStackIntegrationTests {

	static LocalStack stack;

	@BeforeAll
	static void start() {
		stack = LocalStack.start(LocalStack.Settings.forTests());
	}

	@AfterAll
	static void stop() {
		stack.close();
	}

	@Test
	void postgresAcceptsTheArgumentsGivenToTheApp() throws Exception {
		Map<String, String> p = stack.applicationProperties();
		try (Connection connection = DriverManager.getConnection(p.get("spring.datasource.url"),
				p.get("spring.datasource.username"), p.get("spring.datasource.password"));
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select current_database(), version()")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getString(1)).isEqualTo("ackline");
			assertThat(result.getString(2)).startsWith("PostgreSQL 17");
		}
	}

	@Test
	void redisAnswersOnItsUrl() {
		try (RedisClient redis = RedisClient.create(stack.redisUrl())) {
			redis.set("localrun:test", "ok");
			assertThat(redis.get("localrun:test")).isEqualTo("ok");
			assertThat(redis.xadd("localrun:stream", StreamEntryID.NEW_ENTRY, Map.of("a", "1"))).isNotNull();
		}
	}

	@Test
	void mailSentOverSmtpWithTheAppsCredentialsCanBeReadOverImap() throws Exception {
		Properties properties = new Properties();
		properties.put("mail.smtp.host", "localhost");
		properties.put("mail.smtp.port", Integer.toString(stack.smtpPort()));
		properties.put("mail.smtp.auth", "true");
		Session session = Session.getInstance(properties);
		MimeMessage notice = new MimeMessage(session);
		notice.setFrom(new InternetAddress(LocalStack.NOTICES_ADDRESS));
		notice.setRecipients(Message.RecipientType.TO, "client@example.com");
		notice.setSubject("追加保证金通知", "UTF-8");
		notice.setText("请确认", "UTF-8");
		Transport.send(notice, LocalStack.NOTICES_ADDRESS, LocalStack.NOTICES_PASSWORD);

		Properties anonymous = new Properties();
		anonymous.put("mail.smtp.host", "localhost");
		anonymous.put("mail.smtp.port", Integer.toString(stack.smtpPort()));
		MimeMessage reply = new MimeMessage(Session.getInstance(anonymous));
		reply.setFrom(new InternetAddress("client@example.com"));
		reply.setRecipients(Message.RecipientType.TO, LocalStack.NOTICES_ADDRESS);
		reply.setSubject("Re: 追加保证金通知", "UTF-8");
		reply.setText("收到", "UTF-8");
		Transport.send(reply); // clients' servers do not authenticate to ours

		Properties imapProperties = new Properties();
		Store store = Session.getInstance(imapProperties).getStore("imap");
		store.connect("localhost", stack.imapPort(), LocalStack.NOTICES_ADDRESS, LocalStack.NOTICES_PASSWORD);
		try {
			Folder inbox = store.getFolder("INBOX");
			inbox.open(Folder.READ_ONLY);
			assertThat(Arrays.stream(inbox.getMessages()).map(LocalStackIntegrationTests::subject))
				.contains("Re: 追加保证金通知");
			inbox.close(false);
		}
		finally {
			store.close();
		}
		assertThat(stack.greenMail().getReceivedMessagesForDomain("example.com")).hasSize(1);
	}

	@Test
	void twilioSimulatorUsesTheConfiguredAccount() {
		Map<String, String> p = stack.applicationProperties();
		assertThat(p.get("ackline.twilio.api-base-url")).isEqualTo(stack.twilio().baseUrl());
		assertThat(p.get("ackline.twilio.account-sid")).matches("AC[0-9a-f]{32}");
		assertThat(p.get("ackline.twilio.auth-token")).isEqualTo(stack.twilio().authToken());
		assertThat(p.get("ackline.twilio.from-number")).isEqualTo("+15005550006");
	}

	@Test
	void theSimulatedPbxTakesAnyAmiClientAndTheAppIsPointedAtItAndAtItsSpool() throws Exception {
		try (PlainAmiClient ami = new PlainAmiClient(stack.amiPort())) {
			assertThat(ami.banner()).startsWith("Asterisk Call Manager/");
			assertThat(ami.action("Action", "Login", "ActionID", "1", "Username", "ackline", "Secret", "ackline"))
				.containsEntry("Response", "Success");
			assertThat(ami.action("Action", "Ping", "ActionID", "2")).containsEntry("Response", "Success");
		}
		Map<String, String> p = stack.applicationProperties();
		assertThat(p).containsEntry("ackline.asterisk.enabled", "true")
			.containsEntry("ackline.asterisk.host", "127.0.0.1")
			.containsEntry("ackline.asterisk.port", Integer.toString(stack.amiPort()))
			.containsEntry("ackline.asterisk.username", "ackline")
			.containsEntry("ackline.asterisk.password", "ackline")
			.containsEntry("ackline.asterisk.agi-bind", "127.0.0.1")
			.containsEntry("ackline.asterisk.agi-port", Integer.toString(stack.agiPort()))
			.containsEntry("ackline.asterisk.agi-url", "agi://127.0.0.1:" + stack.agiPort() + "/notice-ack")
			.containsEntry("ackline.asterisk.recordings-dir", stack.spoolDir().toString())
			.containsEntry("ackline.callbacks.any-time", "true")
			.doesNotContainKey("ackline.ivr.digit-timeout");
		assertThat(stack.agiPort()).isPositive().isNotEqualTo(stack.amiPort());
		assertThat(stack.pbx().spoolDir()).isEqualTo(stack.spoolDir().toAbsolutePath());
		assertThat(stack.spoolDir()).isDirectory();
		assertThat(stack.pbx().settings().clientAnswerDelay()).as("the contract's ~2 s").isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void evidenceGoesToS3MockAndTheAppIsToldItDoesNotEnforceObjectLock() throws Exception {
		Map<String, String> p = stack.applicationProperties();
		assertThat(p).containsEntry("ackline.s3.endpoint", "http://127.0.0.1:" + stack.s3Port())
			.containsEntry("ackline.s3.region", "us-east-1")
			.containsEntry("ackline.s3.access-key", "any")
			.containsEntry("ackline.s3.secret-key", "any")
			.containsEntry("ackline.s3.bucket", "ackline-evidence")
			.containsEntry("ackline.evidence.self-check", "warn")
			.containsEntry("ackline.evidence.self-check-canary", "true")
			.containsEntry("management.endpoint.health.status.order", "down,out-of-service,up,not-enforcing,unknown");
		assertThat(stack.s3Port()).isPositive().isEqualTo(stack.s3().port());
		HttpResponse<String> buckets = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(stack.s3Endpoint() + "/")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(buckets.statusCode()).isEqualTo(200);
		assertThat(buckets.body()).contains("ListAllMyBucketsResult");
	}

	@Test
	void theLocalRunsS3MockListensOn19090UnlessToldOtherwise() {
		LocalStack.Settings defaults = LocalStack.Settings.defaults();
		assertThat(defaults.s3Port()).isEqualTo(19090)
			.isNotIn(defaults.appPort(), defaults.postgresPort(), defaults.redisPort(), defaults.smtpPort(),
					defaults.imapPort(), defaults.twilio().port(), defaults.amiPort(), defaults.agiPort());
		assertThat(LocalStack.Settings.forTests().s3Port()).isZero();
		assertThat(LocalStack.Settings.fromEnvironment(new String[] { "--localrun.s3-port=29090" }, name -> null,
				Map.<String, String>of()::get).s3Port()).isEqualTo(29090);
		assertThat(LocalStack.Settings.fromEnvironment(new String[0], name -> null,
				Map.of("LOCALRUN_S3_PORT", "39090")::get).s3Port()).isEqualTo(39090);
	}

	@Test
	void theLocalRunUsesAsterisksPortsUnlessToldOtherwise() {
		LocalStack.Settings defaults = LocalStack.Settings.defaults();
		assertThat(defaults.amiPort()).isEqualTo(5038);
		assertThat(defaults.agiPort()).isEqualTo(4573);
		assertThat(defaults.pbx().managerUser()).isEqualTo("ackline");
		assertThat(defaults.pbx().managerSecret()).isEqualTo("ackline");
		assertThat(LocalStack.Settings.forTests().amiPort()).isZero();
		assertThat(LocalStack.Settings.forTests().agiPort()).isZero();
		LocalStack.Settings moved = LocalStack.Settings.fromEnvironment(new String[] { "--localrun.ami-port=15038" },
				Map.of("localrun.agi-port", "14573")::get, Map.<String, String>of()::get);
		assertThat(moved.amiPort()).isEqualTo(15038);
		assertThat(moved.agiPort()).isEqualTo(14573);
		assertThat(LocalStack.Settings.fromEnvironment(new String[0], name -> null,
				Map.of("LOCALRUN_AMI_PORT", "25038")::get).amiPort()).isEqualTo(25038);
	}

	@Test
	void aTakenAmiPortFallsBackToAFreeOneAndTheSpoolGoesWithTheStack() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			LocalStack other = LocalStack.start(LocalStack.Settings.forTests()
				.withPbxPorts(taken.getLocalPort(), 0)
				.withRegisterShutdownHook(false));
			Path spool;
			Path s3Files;
			try {
				assertThat(other.amiPort()).isNotEqualTo(taken.getLocalPort()).isEqualTo(other.pbx().port());
				spool = other.spoolDir();
				Files.writeString(spool.resolve("left-behind.wav"), "RIFF");
				s3Files = other.s3().root();
				assertThat(s3Files).isDirectory();
			}
			finally {
				other.close();
			}
			assertThat(spool).doesNotExist();
			assertThat(s3Files).as("S3Mock's objects go with the stack").doesNotExist();
		}
	}

	@Test
	void userArgumentsWinOverTheStacksOwn() {
		List<String> args = List.of(stack.applicationArguments("--spring.mail.port=2525", "--debug"));

		assertThat(args).contains("--spring.mail.port=2525", "--debug", "--ackline.imap.enabled=true",
				"--ackline.demo-users=true", "--ackline.public-base-url=http://localhost:" + stack.appPort(),
				"--ackline.imap.username=notices@ackline.local", "--localrun.stack-id=" + stack.id());
		assertThat(args).filteredOn(a -> a.startsWith("--spring.mail.port=")).containsExactly("--spring.mail.port=2525");
		assertThat(args.indexOf("--debug")).isEqualTo(args.size() - 1);
		assertThat(LocalStack.lookup(stack.id())).contains(stack);
	}

	@Test
	void settingsComeFromArgumentsThenSystemPropertiesThenEnvironment() {
		Map<String, String> system = Map.of("localrun.redis-port", "26379", "localrun.postgres-port", "25432");
		Map<String, String> environment = Map.of("LOCALRUN_POSTGRES_PORT", "35432", "LOCALRUN_SMTP_PORT", "4025",
				"LOCALRUN_TWILIO_SENT_DELAY_MS", "0");
		LocalStack.Settings settings = LocalStack.Settings.fromEnvironment(
				new String[] { "--localrun.redis-port=36379", "--server.port=9090" }, system::get, environment::get);

		assertThat(settings.appPort()).isEqualTo(9090);
		assertThat(settings.redisPort()).isEqualTo(36379);
		assertThat(settings.postgresPort()).isEqualTo(25432);
		assertThat(settings.smtpPort()).isEqualTo(4025);
		assertThat(settings.imapPort()).isEqualTo(3143);
		assertThat(settings.twilio().port()).isEqualTo(18080);
		assertThat(settings.twilio().sentDelay()).isEqualTo(Duration.ZERO);
	}

	@Test
	void aTakenPortFallsBackToAFreeOne() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			LocalStack.Settings settings = LocalStack.Settings.forTests();
			try (LocalStack other = LocalStack.start(settings.withServicePorts(0, 0, 0, 0, taken.getLocalPort())
				.withRegisterShutdownHook(false))) {
				assertThat(other.twilio().port()).isNotEqualTo(taken.getLocalPort());
				assertThat(other.settings().twilio().port()).isEqualTo(other.twilio().port());
			}
		}
	}

	private static String subject(Message message) {
		try {
			return message.getSubject();
		}
		catch (jakarta.mail.MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
