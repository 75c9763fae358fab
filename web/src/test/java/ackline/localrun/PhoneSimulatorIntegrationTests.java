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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@link LocalRunConfiguration} in a small Spring Boot app on a {@link LocalStack}, with a stand-in for the
 * app's Twilio webhook, and uses the phone simulator's API as the page does.
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
