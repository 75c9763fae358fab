package ackline.localrun;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.security.RequestValidator;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Drives the Twilio simulator with the real Twilio Java SDK, and checks its callbacks with the SDK's validator. */
class TwilioSimulatorIntegrationTests {

	static final String FROM = "+15005550006";

	static TwilioSimulator simulator;

	static TwilioRestClient twilio;

	static WebhookReceiver app;

	@BeforeAll
	static void start() {
		simulator = TwilioSimulator.start(TwilioSimulator.Settings.defaults()
			.withAccount(TwilioSimulator.DEFAULT_ACCOUNT_SID, "test-auth-token")
			.withDelays(Duration.ofMillis(20), Duration.ofMillis(20))
			.withCallbackRetries(3, Duration.ofMillis(50)));
		twilio = client(simulator.authToken());
		app = new WebhookReceiver();
	}

	@AfterAll
	static void stop() {
		simulator.close();
		app.close();
	}

	@BeforeEach
	void reset() {
		simulator.reset();
		while (!app.nothingMoreWithin(Duration.ofMillis(150))) {
			// drain callbacks still in flight from the previous test
		}
	}

	static TwilioRestClient client(String authToken) {
		return new TwilioRestClient.Builder(TwilioSimulator.DEFAULT_ACCOUNT_SID, authToken)
			.httpClient(new LocalTwilioHttpClient(simulator.baseUrl()))
			.build();
	}

	@Test
	void createsAMessageAndReadsItBackFilteredByTo() {
		Message created = Message.creator(new PhoneNumber("+8613800000001"), new PhoneNumber(FROM), "追加保证金通知 http://localhost:8080/ack/abc")
			.setStatusCallback(app.url("/webhooks/twilio/sms-status?attempt=1"))
			.create(twilio);
		Message.creator(new PhoneNumber("+8613800000002"), new PhoneNumber(FROM), "someone else").create(twilio);

		assertThat(created.getSid()).matches("SM[0-9a-f]{32}");
		assertThat(created.getAccountSid()).isEqualTo(TwilioSimulator.DEFAULT_ACCOUNT_SID);
		assertThat(created.getStatus()).isEqualTo(Message.Status.QUEUED);
		assertThat(created.getDirection()).isEqualTo(Message.Direction.OUTBOUND_API);
		assertThat(created.getTo()).isEqualTo("+8613800000001");
		assertThat(created.getFrom()).hasToString(FROM);
		assertThat(created.getNumSegments()).isEqualTo("1");
		assertThat(created.getApiVersion()).isEqualTo("2010-04-01");
		assertThat(created.getDateCreated()).isNotNull();
		assertThat(created.getPrice()).isNull();
		assertThat(created.getErrorCode()).isNull();
		assertThat(created.getUri()).endsWith("/Messages/" + created.getSid() + ".json");

		List<Message> toClient = list(Message.reader().setTo("+8613800000001").read(twilio));
		assertThat(toClient).extracting(Message::getSid).containsExactly(created.getSid());
		assertThat(toClient.get(0).getBody()).isEqualTo("追加保证金通知 http://localhost:8080/ack/abc");

		await().atMost(Duration.ofSeconds(5))
			.until(() -> Message.fetcher(created.getSid()).fetch(twilio).getStatus() == Message.Status.DELIVERED);
		assertThat(Message.fetcher(created.getSid()).fetch(twilio).getDateSent()).isNotNull();
		assertThat(simulator.messagesTo("+8613800000001")).hasSize(1);
		assertThat(simulator.countBodiesContaining("/ack/abc")).isEqualTo(1);
		assertThat(simulator.createRequestCount()).isEqualTo(2);
	}

	@Test
	void scriptedRejectionBecomesAnApiExceptionWithTwiliosCode() {
		simulator.script("+8613800000009").reject(21211);
		simulator.script("+8613800000010").reject(21610);

		assertThatThrownBy(() -> Message.creator(new PhoneNumber("+8613800000009"), new PhoneNumber(FROM), "hi").create(twilio))
			.isInstanceOfSatisfying(ApiException.class, ex -> {
				assertThat(ex.getCode()).isEqualTo(21211);
				assertThat(ex.getStatusCode()).isEqualTo(400);
				assertThat(ex.getMessage()).contains("+8613800000009").contains("is not a valid phone number");
				assertThat(ex.getMoreInfo()).isEqualTo("https://www.twilio.com/docs/errors/21211");
			});
		assertThatThrownBy(() -> Message.creator(new PhoneNumber("+8613800000010"), new PhoneNumber(FROM), "hi").create(twilio))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.getCode()).isEqualTo(21610));
		assertThat(simulator.messages()).isEmpty();
	}

	@Test
	void refusesANumberThatIsNotE164AndAWrongAuthToken() {
		assertThatThrownBy(() -> Message.creator(new PhoneNumber("13800000001"), new PhoneNumber(FROM), "hi").create(twilio))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.getCode()).isEqualTo(21211));
		assertThatThrownBy(() -> Message.creator(new PhoneNumber("+8613800000001"), new PhoneNumber(FROM), "hi")
			.create(client("wrong-token")))
			.isInstanceOfSatisfying(ApiException.class, ex -> {
				assertThat(ex.getCode()).isEqualTo(20003);
				assertThat(ex.getStatusCode()).isEqualTo(401);
			});
	}

	@Test
	void statusCallbacksAreSignedSoTwiliosRequestValidatorAcceptsThem() {
		String callback = app.url("/webhooks/twilio/sms-status?attempt=123");
		Message created = Message.creator(new PhoneNumber("+8613800000001"), new PhoneNumber(FROM), "notice")
			.setStatusCallback(callback)
			.create(twilio);

		List<WebhookReceiver.Received> posts = app.take(2, Duration.ofSeconds(5));
		RequestValidator validator = new RequestValidator("test-auth-token");
		assertThat(posts).extracting(p -> p.form().get("MessageStatus")).containsExactly("sent", "delivered");
		for (WebhookReceiver.Received post : posts) {
			assertThat(post.pathAndQuery()).isEqualTo("/webhooks/twilio/sms-status?attempt=123");
			assertThat(post.contentType()).startsWith("application/x-www-form-urlencoded");
			assertThat(post.form()).containsEntry("MessageSid", created.getSid())
				.containsEntry("SmsSid", created.getSid())
				.containsEntry("AccountSid", TwilioSimulator.DEFAULT_ACCOUNT_SID)
				.containsEntry("From", FROM)
				.containsEntry("To", "+8613800000001")
				.containsEntry("ApiVersion", "2010-04-01")
				.doesNotContainKey("ErrorCode");
			assertThat(post.form().get("SmsStatus")).isEqualTo(post.form().get("MessageStatus"));
			assertThat(validator.validate(callback, post.form(), post.signature())).isTrue();
			assertThat(new RequestValidator("another-token").validate(callback, post.form(), post.signature())).isFalse();
		}
	}

	@Test
	void scriptedUndeliveredCarriesTheErrorCodeInCallbackAndResource() {
		simulator.script("+8613800000003").finalStatus("undelivered", 30003);
		Message created = Message.creator(new PhoneNumber("+8613800000003"), new PhoneNumber(FROM), "notice")
			.setStatusCallback(app.url("/status"))
			.create(twilio);

		List<WebhookReceiver.Received> posts = app.take(2, Duration.ofSeconds(5));
		assertThat(posts).extracting(p -> p.form().get("MessageStatus")).containsExactly("sent", "undelivered");
		assertThat(posts.get(1).form()).containsEntry("ErrorCode", "30003");
		Message fetched = Message.fetcher(created.getSid()).fetch(twilio);
		assertThat(fetched.getStatus()).isEqualTo(Message.Status.UNDELIVERED);
		assertThat(fetched.getErrorCode()).isEqualTo(30003);
	}

	@Test
	void scriptedDuplicateAndOutOfOrderCallbacksLeaveTheResourceAtItsFurthestStatus() {
		simulator.script("+8613800000004").callbacks("delivered", "sent");
		simulator.script("+8613800000005").callbacks("sent", "sent", "delivered");
		Message reversed = Message.creator(new PhoneNumber("+8613800000004"), new PhoneNumber(FROM), "a")
			.setStatusCallback(app.url("/status"))
			.create(twilio);
		List<String> reversedStatuses = statusesFor(reversed.getSid(), app.take(2, Duration.ofSeconds(5)));
		Message duplicated = Message.creator(new PhoneNumber("+8613800000005"), new PhoneNumber(FROM), "b")
			.setStatusCallback(app.url("/status"))
			.create(twilio);
		List<String> duplicatedStatuses = statusesFor(duplicated.getSid(), app.take(3, Duration.ofSeconds(5)));

		assertThat(reversedStatuses).containsExactly("delivered", "sent");
		assertThat(duplicatedStatuses).containsExactly("sent", "sent", "delivered");
		assertThat(simulator.message(reversed.getSid()).orElseThrow().status()).isEqualTo("delivered");
		assertThat(simulator.message(duplicated.getSid()).orElseThrow().status()).isEqualTo("delivered");
	}

	@Test
	void aFailedCallbackIsRetriedThenTheNextStatusFollows() {
		app.failNext(2);
		Message created = Message.creator(new PhoneNumber("+8613800000006"), new PhoneNumber(FROM), "c")
			.setStatusCallback(app.url("/status"))
			.create(twilio);

		List<WebhookReceiver.Received> posts = app.take(4, Duration.ofSeconds(5));
		assertThat(posts).extracting(p -> p.form().get("MessageStatus")).containsExactly("sent", "sent", "sent", "delivered");
		await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(callbacksFor(created.getSid())).hasSize(4));
		assertThat(callbacksFor(created.getSid())).extracting(TwilioSimulator.StatusCallback::attempt).containsExactly(1, 2, 3, 1);
		assertThat(callbacksFor(created.getSid())).extracting(TwilioSimulator.StatusCallback::httpStatus)
			.containsExactly(500, 500, 200, 200);
	}

	@Test
	void transientFailuresThenAcceptance() {
		// the SDK's Apache HTTP client retries a 429 or 503 once by itself (after 1 s), so two failures reach the caller as one
		simulator.script("+8613800000007").failTransiently(2, 429);
		assertThatThrownBy(() -> Message.creator(new PhoneNumber("+8613800000007"), new PhoneNumber(FROM), "d").create(twilio))
			.isInstanceOfSatisfying(ApiException.class, ex -> {
				assertThat(ex.getCode()).isEqualTo(20429);
				assertThat(ex.getStatusCode()).isEqualTo(429);
			});
		assertThat(simulator.createRequestCount()).isEqualTo(2);
		assertThat(Message.creator(new PhoneNumber("+8613800000007"), new PhoneNumber(FROM), "d").create(twilio).getSid()).startsWith("SM");

		simulator.script("+8613800000008").failTransiently(1, 500);
		long before = simulator.createRequestCount();
		assertThat(Message.creator(new PhoneNumber("+8613800000008"), new PhoneNumber(FROM), "e").create(twilio).getSid()).startsWith("SM");
		assertThat(simulator.createRequestCount() - before).isEqualTo(2);
		assertThat(simulator.countBodiesContaining("e")).isEqualTo(1);
	}

	@Test
	void aDelayedAnswerTimesTheClientOutButTheMessageWasAccepted() throws Exception {
		simulator.script("+8613800000011").delayFirst(1, Duration.ofMillis(1500));
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/2010-04-01/Accounts/"
				+ simulator.accountSid() + "/Messages.json"))
			.timeout(Duration.ofMillis(300))
			.header("Authorization", basic(simulator.accountSid(), simulator.authToken()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("To=%2B8613800000011&From=%2B15005550006&Body=timeout+me"))
			.build();

		assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
		assertThat(simulator.messagesTo("+8613800000011")).extracting(TwilioSimulator.SimulatedMessage::body).containsExactly("timeout me");
		// the next attempt is answered at once: a client that retries blindly would now have sent it twice
		assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
		assertThat(simulator.countBodiesContaining("timeout me")).isEqualTo(2);
	}

	@Test
	void readerFollowsNextPageUrisAndFiltersByDateSent() throws Exception {
		for (int i = 0; i < 5; i++) {
			Message.creator(new PhoneNumber("+8613800000012"), new PhoneNumber(FROM), "page " + i).create(twilio);
		}
		Message.creator(new PhoneNumber("+8613800000013"), new PhoneNumber(FROM), "other").create(twilio);

		List<Message> all = list(Message.reader().setTo("+8613800000012").setPageSize(2L).read(twilio));
		assertThat(all).extracting(Message::getBody).containsExactly("page 4", "page 3", "page 2", "page 1", "page 0");

		ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
		assertThat(list(Message.reader().setTo("+8613800000012").setDateSentAfter(now.minusMinutes(5)).read(twilio))).hasSize(5);
		assertThat(list(Message.reader().setTo("+8613800000012").setDateSentBefore(now.minusMinutes(5)).read(twilio))).isEmpty();

		// the date-only form people (and older SDKs) use
		String today = LocalDate.now(ZoneOffset.UTC).toString();
		HttpResponse<String> raw = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/2010-04-01/Accounts/" + simulator.accountSid()
					+ "/Messages.json?To=%2B8613800000012&DateSent%3E=" + today + "&PageSize=3"))
				.header("Authorization", basic(simulator.accountSid(), simulator.authToken()))
				.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		assertThat(raw.statusCode()).isEqualTo(200);
		assertThat(raw.body()).contains("\"page_size\":3", "\"next_page_uri\":\"/2010-04-01/Accounts/",
				"\"first_page_uri\":", "\"previous_page_uri\":null", "\"start\":0", "\"end\":2");
	}

	@Test
	void fetchingAnUnknownMessageIs20404() {
		assertThatThrownBy(() -> Message.fetcher("SM00000000000000000000000000000000").fetch(twilio))
			.isInstanceOfSatisfying(ApiException.class, ex -> assertThat(ex.getCode()).isEqualTo(20404));
	}

	@Test
	void inboundSmsIsPostedSignedOverThePublicUrl() {
		String publicUrl = "http://localhost:8080/webhooks/twilio/sms";
		TwilioSimulator.WebhookResponse response = simulator.deliverInboundSms(app.url("/webhooks/twilio/sms"), publicUrl,
				"+8613800000001", FROM, "收到");

		WebhookReceiver.Received post = app.take(Duration.ofSeconds(2));
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("<Response/>");
		assertThat(post.form()).containsEntry("Body", "收到")
			.containsEntry("From", "+8613800000001")
			.containsEntry("To", FROM)
			.containsEntry("MessageSid", response.messageSid())
			.containsEntry("NumMedia", "0")
			.containsEntry("NumSegments", "1")
			.containsEntry("SmsStatus", "received")
			.containsEntry("AccountSid", TwilioSimulator.DEFAULT_ACCOUNT_SID)
			.containsEntry("ApiVersion", "2010-04-01");
		assertThat(new RequestValidator("test-auth-token").validate(publicUrl, post.form(), post.signature())).isTrue();
		assertThat(simulator.conversation("+8613800000001")).extracting(TwilioSimulator.SimulatedMessage::direction)
			.containsExactly("inbound");
		assertThat(simulator.countBodiesContaining("收到")).isZero();
	}

	@Test
	void countsSegmentsAsTwilioBillsThem() {
		assertThat(TwilioSimulator.segments("hello")).isEqualTo(1);
		assertThat(TwilioSimulator.segments("a".repeat(160))).isEqualTo(1);
		assertThat(TwilioSimulator.segments("a".repeat(161))).isEqualTo(2);
		assertThat(TwilioSimulator.segments("{".repeat(80))).isEqualTo(1);
		assertThat(TwilioSimulator.segments("保".repeat(70))).isEqualTo(1);
		assertThat(TwilioSimulator.segments("保".repeat(71))).isEqualTo(2);
		assertThat(TwilioSimulator.segments("保".repeat(134))).isEqualTo(2);
		assertThat(TwilioSimulator.segments("保".repeat(135))).isEqualTo(3);
	}

	@Test
	void signatureMatchesTwiliosValidatorForArbitraryParameters() {
		Map<String, String> params = Map.of("b", "2", "a", "1 & ü", "Body", "确认");
		String url = "https://example.test/hook?x=1";
		assertThat(new RequestValidator("tok").validate(url, params, TwilioSimulator.signature("tok", url, params))).isTrue();
	}

	private static List<TwilioSimulator.StatusCallback> callbacksFor(String sid) {
		return simulator.callbacks().stream().filter(c -> c.messageSid().equals(sid)).toList();
	}

	private static List<String> statusesFor(String sid, List<WebhookReceiver.Received> posts) {
		assertThat(posts).allMatch(p -> p.form().get("MessageSid").equals(sid));
		return posts.stream().map(p -> p.form().get("MessageStatus")).toList();
	}

	private static <T> List<T> list(Iterable<T> iterable) {
		return new ArrayList<>(StreamSupport.stream(iterable.spliterator(), false).toList());
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

}
