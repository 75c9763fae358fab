package ackline.localrun;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import ackline.pbx.CallScript;
import ackline.testing.Api;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.security.RequestValidator;
import com.twilio.type.PhoneNumber;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs {@link LocalRunConfiguration} in a small Spring Boot app on a {@link LocalStack}, with a stand-in for the
 * app's Twilio webhook, and uses the phone simulator's API as the page does. Calls come from a plain AMI client that
 * originates on the stack's simulated PBX as the app's adapter would.
 */
class PhoneSimulatorIntegrationTests {

	static final String CLIENT = "+8613800000001";

	static LocalStack stack;

	static ConfigurableApplicationContext app;

	static HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		stack = LocalStack.start(LocalStack.Settings.forTests());
		app = new SpringApplicationBuilder(PageTestApplication.class).main(PageTestApplication.class)
			.run(stack.applicationArguments("--spring.main.banner-mode=off", "--spring.flyway.enabled=false"));
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
		stack.close();
	}

	@Test
	void servesThePageAndItsAssetsWithoutLogin() throws Exception {
		HttpResponse<String> page = get("/simulator");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
		assertThat(page.body()).contains("<html lang=\"zh-CN\">", "客户手机模拟器", "/simulator/assets/simulator.js");
		assertThat(get("/simulator/assets/simulator.js").statusCode()).isEqualTo(200);
		assertThat(get("/simulator/assets/simulator.css").statusCode()).isEqualTo(200);
		assertThat(get("/simulator/api/info").body()).contains("\"fromNumber\":\"+15005550006\"",
				"\"noticesAddress\":\"notices@ackline.local\"");
	}

	@Test
	void showsTheSmsAClientReceivedAndPostsItsReplyAsASignedTwilioWebhook() throws Exception {
		TwilioRestClient twilio = new TwilioRestClient.Builder(stack.twilio().accountSid(), stack.twilio().authToken())
			.httpClient(new LocalTwilioHttpClient(stack.twilio().baseUrl()))
			.build();
		String link = stack.publicBaseUrl() + "/ack/tok_SMS-123";
		Message.creator(new PhoneNumber(CLIENT), new PhoneNumber(stack.twilioFromNumber()),
				"【Ackline】追加保证金通知：请于今日15:00前补足。确认请回复1或点击 " + link).create(twilio);

		assertThat(get("/simulator/api/clients").body()).contains("\"kind\":\"sms\",\"address\":\"+8613800000001\"");
		assertThat(get("/simulator/api/sms/" + encode(CLIENT)).body()).contains("\"direction\":\"received\"",
				"\"links\":[\"" + link + "\"]");

		HttpResponse<String> reply = post("/simulator/api/sms/" + encode(CLIENT) + "/replies", "{\"body\":\"收到\"}");
		assertThat(reply.statusCode()).isEqualTo(200);
		assertThat(reply.body()).contains("\"status\":200", "<Response></Response>",
				"\"signedUrl\":\"" + stack.publicBaseUrl() + "/webhooks/twilio/sms\"");

		Map<String, String> webhook = WebhookStandIn.received.poll(5, TimeUnit.SECONDS);
		assertThat(webhook).isNotNull();
		assertThat(webhook).containsEntry("From", CLIENT)
			.containsEntry("To", stack.twilioFromNumber())
			.containsEntry("Body", "收到")
			.containsEntry("SmsStatus", "received")
			.containsEntry("NumMedia", "0");
		assertThat(webhook.get("MessageSid")).matches("SM[0-9a-f]{32}");
		String signature = webhook.remove("X-Twilio-Signature");
		assertThat(new RequestValidator(stack.twilio().authToken())
			.validate(stack.publicBaseUrl() + "/webhooks/twilio/sms", webhook, signature)).isTrue();
		assertThat(get("/simulator/api/sms/" + encode(CLIENT)).body()).contains("\"direction\":\"sent\"", "\"body\":\"收到\"");
	}

	@Test
	void showsTheEmailAClientReceivedAndRepliesToItWithQuoteAndThreadingHeaders() throws Exception {
		JavaMailSender mail = app.getBean(JavaMailSender.class); // proves Boot's mail auto-configuration saw the arguments
		MimeMessage notice = mail.createMimeMessage();
		MimeMessageHelper helper = new MimeMessageHelper(notice, true, "UTF-8");
		helper.setFrom("notices@ackline.local");
		helper.setTo("wang.fang@example.com");
		helper.setSubject("追加保证金通知 NTC-42");
		String link = stack.publicBaseUrl() + "/ack/tok_MAIL-42";
		helper.setText("王女士您好：\n您的账户需追加保证金。\n确认请点击 " + link,
				"<p>王女士您好：</p><p>确认请点击 <a href=\"" + link + "\">确认</a></p>");
		notice.setHeader("Message-ID", "<notice-42@ackline.local>");
		mail.send(notice);

		assertThat(get("/simulator/api/clients").body()).contains("\"kind\":\"email\",\"address\":\"wang.fang@example.com\"");
		String mailbox = get("/simulator/api/mail/wang.fang@example.com").body();
		assertThat(mailbox).contains("\"messageId\":\"<notice-42@ackline.local>\"", "\"subject\":\"追加保证金通知 NTC-42\"",
				"您的账户需追加保证金", "\"links\":[\"" + link + "\"]");

		HttpResponse<String> reply = post("/simulator/api/mail/wang.fang@example.com/replies",
				"{\"inReplyTo\":\"<notice-42@ackline.local>\",\"body\":\"确认，已补足。\",\"quoteStyle\":\"GMAIL_ZH\"}");
		assertThat(reply.statusCode()).isEqualTo(200);
		assertThat(reply.body()).contains("\"subject\":\"Re: 追加保证金通知 NTC-42\"", "\"to\":[\"notices@ackline.local\"]");

		// read it back the way the app does: IMAP, as notices@ackline.local
		Store store = Session.getInstance(new Properties()).getStore("imap");
		store.connect("localhost", stack.imapPort(), LocalStack.NOTICES_ADDRESS, LocalStack.NOTICES_PASSWORD);
		try {
			Folder inbox = store.getFolder("INBOX");
			inbox.open(Folder.READ_ONLY);
			MimeMessage received = (MimeMessage) Arrays.stream(inbox.getMessages())
				.filter(m -> subject(m).startsWith("Re: "))
				.findFirst()
				.orElseThrow();
			assertThat(received.getHeader("In-Reply-To", null)).isEqualTo("<notice-42@ackline.local>");
			assertThat(received.getHeader("References", " ")).isEqualTo("<notice-42@ackline.local>");
			assertThat(received.getMessageID()).startsWith("<reply-").endsWith("@example.com>");
			assertThat(received.getFrom()[0].toString()).isEqualTo("wang.fang@example.com");
			String text = String.valueOf(received.getContent());
			assertThat(text).startsWith("确认，已补足。\n\n在 ").contains("notices@ackline.local 写道：",
					"> 王女士您好：", "> 您的账户需追加保证金。");
			inbox.close(false);
		}
		finally {
			store.close();
		}
		assertThat(get("/simulator/api/mail/wang.fang@example.com").body()).contains("\"direction\":\"sent\"");
	}

	@Test
	void badInputIsAProblemDetail() throws Exception {
		HttpResponse<String> reply = post("/simulator/api/sms/12345/replies", "{\"body\":\"1\"}");
		assertThat(reply.statusCode()).isEqualTo(400);
		assertThat(reply.headers().firstValue("Content-Type")).contains(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(reply.body()).contains("E.164");
		assertThat(post("/simulator/api/mail/x@example.com/replies", "{\"inReplyTo\":\"<none@x>\",\"body\":\"1\"}")
			.statusCode()).isEqualTo(400);
	}

	@Test
	void showsACallRingingAtTheClientAndAnswersPressesKeysAndHangsUpAsTheClient() throws Exception {
		String number = "+8613800000009";
		// a person answers on the page: this phone would ring for minutes on its own
		stack.pbx().script(number, CallScript.answerAfter(Duration.ofMinutes(5)));
		UUID callId = originateAgentCall(number);

		JsonNode ringing = awaitCall(number, "RINGING");
		assertThat(ringing.get("callId").asText()).isEqualTo(callId.toString());
		assertThat(ringing.get("number").asText()).isEqualTo(number);
		assertThat(ringing.get("kind").asText()).isEqualTo("AGENT");
		assertThat(ringing.hasNonNull("since")).isTrue();
		JsonNode listed = client(number);
		assertThat(listed).as("a number that was only called is listed with the phones").isNotNull();
		assertThat(listed.get("kind").asText()).isEqualTo("sms");
		assertThat(listed.get("count").asInt()).isZero();
		assertThat(listed.get("call").asText()).isEqualTo("RINGING");
		assertThat(get("/simulator/api/calls?number=8613800000009").body()).contains(callId.toString());
		assertThat(get("/simulator/api/calls").body()).contains(callId.toString());

		HttpResponse<String> early = post("/simulator/api/calls/" + encode(number) + "/keys", "{\"digits\":\"1\"}");
		assertThat(early.statusCode()).as("no keys before the call is up").isEqualTo(409);
		assertThat(early.headers().firstValue("Content-Type")).contains(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		assertThat(early.body()).contains("No call is up at");

		assertThat(post("/simulator/api/calls/" + encode(number) + "/answer", "").statusCode()).isEqualTo(202);
		awaitCall(number, "UP");
		assertThat(post("/simulator/api/calls/" + encode(number) + "/answer", "").statusCode())
			.as("nothing rings any more").isEqualTo(409);

		assertThat(post("/simulator/api/calls/" + encode(number) + "/keys", "{\"digits\":\"12#\"}").statusCode())
			.isEqualTo(202);
		await().atMost(Duration.ofSeconds(10)).until(() -> "12#".equals(newestCall(number).get("digits").asText()));
		assertThat(post("/simulator/api/calls/" + encode(number) + "/keys", "{\"digits\":\"1a\"}").statusCode())
			.as("only a phone's keys").isEqualTo(400);
		assertThat(post("/simulator/api/calls/" + encode(number) + "/keys", "{}").statusCode()).isEqualTo(400);
		assertThat(post("/simulator/api/calls/" + encode(number) + "/keys", "not json").statusCode()).isEqualTo(400);

		assertThat(post("/simulator/api/calls/" + encode(number) + "/hangup", "").statusCode()).isEqualTo(202);
		JsonNode ended = awaitCall(number, "ENDED");
		assertThat(ended.get("digits").asText()).isEqualTo("12#");
		assertThat(post("/simulator/api/calls/" + encode(number) + "/hangup", "").statusCode()).isEqualTo(409);
		assertThat(client(number).hasNonNull("call")).as("the list shows no call on that phone any more: %s",
				get("/simulator/api/clients").body()).isFalse();
	}

	@Test
	void aRingingCallCanBeRejectedAndAShortNumberIsBadInput() throws Exception {
		String number = "+8613800000010";
		stack.pbx().script(number, CallScript.answerAfter(Duration.ofMinutes(5)));
		originateAgentCall(number);
		awaitCall(number, "RINGING");

		assertThat(post("/simulator/api/calls/" + encode(number) + "/reject", "").statusCode()).isEqualTo(202);
		awaitCall(number, "ENDED");
		assertThat(post("/simulator/api/calls/" + encode(number) + "/reject", "").statusCode()).isEqualTo(409);
		HttpResponse<String> shortNumber = post("/simulator/api/calls/123/answer", "");
		assertThat(shortNumber.statusCode()).isEqualTo(400);
		assertThat(shortNumber.body()).contains("at least 6 digits");
	}

	@Test
	void phonesAnswerByThemselvesUnlessThePersonAnswersByHand() throws Exception {
		assertThat(get("/simulator/api/answering").body()).contains("\"byHand\":false", "\"autoAnswerAfterMillis\":2000");
		try {
			HttpResponse<String> byHand = put("/simulator/api/answering", "{\"byHand\":true}");
			assertThat(byHand.statusCode()).isEqualTo(200);
			assertThat(byHand.body()).contains("\"byHand\":true");
			assertThat(stack.answersByHand()).isTrue();
			String number = "+8613800000011";
			originateAgentCall(number);
			awaitCall(number, "RINGING");
			assertThat(post("/simulator/api/calls/" + encode(number) + "/answer", "").statusCode()).isEqualTo(202);
			awaitCall(number, "UP");
			assertThat(post("/simulator/api/calls/" + encode(number) + "/hangup", "").statusCode()).isEqualTo(202);
			awaitCall(number, "ENDED");
			assertThat(put("/simulator/api/answering", "{}").statusCode()).isEqualTo(400);
		}
		finally {
			put("/simulator/api/answering", "{\"byHand\":false}");
		}
		assertThat(stack.answersByHand()).isFalse();
	}

	/** An agent call as Ackline's adapter originates it: the agent's endpoint first, then the client through the trunk. */
	private static UUID originateAgentCall(String number) throws Exception {
		UUID callId = UUID.randomUUID();
		try (PlainAmiClient ami = new PlainAmiClient(stack.amiPort())) {
			assertThat(ami.action("Action", "Login", "ActionID", "l", "Username", "ackline", "Secret", "ackline"))
				.containsEntry("Response", "Success");
			Map<String, String> queued = ami.action("Action", "Originate", "ActionID", "o-" + callId, "Channel",
					"PJSIP/agent1", "Context", "ackline-outbound", "Exten", number.substring(1), "Priority", "1",
					"Timeout", "20000", "Async", "true", "Variable", "__ACKLINE_CALL_ID=" + callId, "Variable",
					"ACKLINE_RECORDING=ackline/test/" + callId + ".wav", "Variable", "ACKLINE_CLIENT_TIMEOUT=600");
			assertThat(queued).containsEntry("Response", "Success");
		}
		return callId;
	}

	/** The newest call at the number once it is in that state, as the page polls for it. */
	private static JsonNode awaitCall(String number, String state) {
		JsonNode[] found = new JsonNode[1];
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
			found[0] = newestCall(number);
			return found[0] != null && state.equals(found[0].get("state").asText());
		});
		return found[0];
	}

	private static JsonNode newestCall(String number) throws Exception {
		JsonNode calls = Api.mapper().readTree(get("/simulator/api/calls/" + encode(number)).body());
		return calls.isEmpty() ? null : calls.get(0);
	}

	/** The number's entry in the page's list of clients, or null. */
	private static JsonNode client(String number) throws Exception {
		for (JsonNode client : Api.mapper().readTree(get("/simulator/api/clients").body())) {
			if (number.equals(client.get("address").asText())) {
				return client;
			}
		}
		return null;
	}

	@Test
	void quoteStylesLookLikeTheMailProgramsTheyImitate() {
		PhoneSimulator.MailView original = new PhoneSimulator.MailView("<n@ackline.local>", "received",
				"notices@ackline.local", "Ackline", java.util.List.of("c@example.com"), "通知", "第一行\n第二行",
				java.time.Instant.parse("2026-11-21T05:45:00Z"), null, java.util.List.of());
		assertThat(PhoneSimulator.QuoteStyle.GMAIL_ZH.quote(original))
			.isEqualTo("\n\n在 2026年11月21日周六 13:45，Ackline <notices@ackline.local> 写道：\n> 第一行\n> 第二行");
		assertThat(PhoneSimulator.QuoteStyle.GMAIL_EN.quote(original))
			.isEqualTo("\n\nOn Sat, Nov 21, 2026 at 1:45 PM Ackline <notices@ackline.local> wrote:\n> 第一行\n> 第二行");
		assertThat(PhoneSimulator.QuoteStyle.OUTLOOK_ZH.quote(original)).contains("发件人: Ackline <notices@ackline.local>",
				"主题: 通知", "\n\n第一行\n第二行");
		assertThat(PhoneSimulator.QuoteStyle.QQ.quote(original)).contains("------------------ 原始邮件 ------------------",
				"发件人: \"Ackline\"<notices@ackline.local>;");
		assertThat(PhoneSimulator.QuoteStyle.NONE.quote(original)).isEmpty();
	}

	private static String subject(jakarta.mail.Message message) {
		try {
			return String.valueOf(message.getSubject());
		}
		catch (jakarta.mail.MessagingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.appPort() + path)).build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static HttpResponse<String> put(String path, String json) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.appPort() + path))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.PUT(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static HttpResponse<String> post(String path, String json) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + stack.appPort() + path))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	/**
	 * The app of this test: auto-configuration, the local run's additions and a stand-in for the app's inbound
	 * SMS webhook. No stereotype annotation, so no component scan elsewhere ever picks it up.
	 */
	@EnableAutoConfiguration
	@Import(LocalRunConfiguration.class)
	static class PageTestApplication {

		@Bean
		RouterFunction<ServerResponse> webhookStandIn() {
			return RouterFunctions.route().POST(PhoneSimulator.SMS_WEBHOOK_PATH, request -> {
				Map<String, String> params = new LinkedHashMap<>();
				request.params().forEach((name, values) -> params.put(name, values.get(0)));
				params.put("X-Twilio-Signature", request.headers().firstHeader("X-Twilio-Signature"));
				WebhookStandIn.received.add(params);
				return ServerResponse.ok().contentType(MediaType.TEXT_XML).body("<Response></Response>");
			}).build();
		}

	}

	static final class WebhookStandIn {

		static final BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();

	}

}
