package ackline.notice;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import ackline.AcklineApplication;
import ackline.testing.Api;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Notices by email and replies read over IMAP: real Jakarta Mail against GreenMail (SMTP and IMAP),
 * replies in GBK and GB2312 with the quoted original below.
 */
@DirtiesContext
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmailNoticeIntegrationTests {

	static final String MAILBOX = "notices@ackline.local";

	static final GreenMail mail = new GreenMail(ServerSetup.dynamicPort(ServerSetupTest.SMTP_IMAP));

	static final TwilioStub twilio = new TwilioStub();

	static {
		mail.start();
		mail.setUser(MAILBOX, MAILBOX, "notices");
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("spring.mail.host", () -> "localhost");
		registry.add("spring.mail.port", () -> mail.getSmtp().getPort());
		registry.add("ackline.mail.from", () -> MAILBOX);
		registry.add("ackline.imap.enabled", () -> "true");
		registry.add("ackline.imap.host", () -> "localhost");
		registry.add("ackline.imap.port", () -> mail.getImap().getPort());
		registry.add("ackline.imap.protocol", () -> "imap");
		registry.add("ackline.imap.username", () -> MAILBOX);
		registry.add("ackline.imap.password", () -> "notices");
		registry.add("ackline.imap.poll-interval", () -> "500ms");
	}

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
	}

	@AfterAll
	static void stop() {
		mail.stop();
		twilio.close();
	}

	@Test
	void aNoticeEmailAndAGbkReplyThatAcknowledgesIt() throws Exception {
		String client = "zhang." + UUID.randomUUID().toString().substring(0, 6) + "@example.cn";
		UUID id = submit(client);
		JsonNode notice = awaitEmail(id);
		String messageId = notice.get("attempts").valueStream()
			.filter(a -> a.get("channel").asString().equals("EMAIL"))
			.findFirst()
			.orElseThrow()
			.get("providerId")
			.asString();
		assertThat(messageId).startsWith("<notice-" + id);
		MimeMessage received = inbox(client);
		assertThat(received.getMessageID()).isEqualTo(messageId);
		assertThat(received.getSubject()).contains("追加担保物通知", notice.get("ref").asString());
		assertThat(GreenMailUtil.getBody(received)).isNotBlank();
		assertThat(notice.get("evidence").toString()).contains("EMAIL_SENT");

		send(reply(client, messageId, "回复：" + received.getSubject(), "收到\r\n\r\n在 2026年11月21日 示例证券 写道：\r\n> 尊敬的张三：您的信用账户维持担保比例已降至128%\r\n", "GBK"));
		JsonNode acked = await().atMost(Duration.ofSeconds(30)).until(() -> get(id),
				n -> n.get("status").asString().equals("ACKNOWLEDGED"));
		assertThat(acked.get("acknowledgement").get("channel").asString()).isEqualTo("EMAIL");
		assertThat(acked.get("acknowledgement").get("text").asString()).isEqualTo("收到");
		assertThat(acked.get("replies").get(0).get("matchMethod").asString()).isEqualTo("IN_REPLY_TO");
		assertThat(acked.get("evidence").toString()).contains("EMAIL_RECEIVED");
	}

	@Test
	void aGb2312ReplyMatchedByTheReferenceInItsSubject() throws Exception {
		String client = "li." + UUID.randomUUID().toString().substring(0, 6) + "@example.cn";
		UUID id = submit(client);
		JsonNode notice = awaitEmail(id);
		send(reply(client, null, "关于编号" + notice.get("ref").asString() + "的通知", "已知晓，谢谢\r\n", "GB2312"));
		JsonNode acked = await().atMost(Duration.ofSeconds(30)).until(() -> get(id),
				n -> n.get("status").asString().equals("ACKNOWLEDGED"));
		assertThat(acked.get("replies").get(0).get("matchMethod").asString()).isEqualTo("SUBJECT_REF");
	}

	@Test
	void aReplyFromSomeoneElseDoesNotAcknowledgeAndWaitsForAnAgent() throws Exception {
		String client = "wang." + UUID.randomUUID().toString().substring(0, 6) + "@example.cn";
		UUID id = submit(client);
		JsonNode notice = awaitEmail(id);
		String messageId = notice.get("attempts").valueStream()
			.filter(a -> a.get("channel").asString().equals("EMAIL")).findFirst().orElseThrow().get("providerId").asString();
		send(reply("someone.else@example.cn", messageId, "Re: notice", "收到\r\n", "UTF-8"));
		JsonNode replied = await().atMost(Duration.ofSeconds(30)).until(() -> get(id), n -> n.get("replies").size() == 1);
		assertThat(replied.get("status").asString()).isNotEqualTo("ACKNOWLEDGED");
		assertThat(replied.get("replies").get(0).get("needsAttention").asBoolean()).isTrue();
	}

	UUID submit(String email) {
		Map<String, Object> body = new HashMap<>(NoticeHubIntegrationTests.marginCall(NoticeHubIntegrationTests.uniquePhone(), null));
		body.put("channels", List.of("EMAIL"));
		body.put("email", email);
		Api.Reply reply = api.post("/api/v1/notices", "system", body);
		assertThat(reply.status()).as(reply.body()).isEqualTo(202);
		return UUID.fromString(reply.json().get("id").asString());
	}

	JsonNode get(UUID id) {
		return api.get("/api/v1/notices/" + id, "system").json();
	}

	JsonNode awaitEmail(UUID id) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> get(id), n -> n.get("attempts").valueStream()
			.anyMatch(a -> a.get("channel").asString().equals("EMAIL") && a.get("status").asString().equals("SENT")));
	}

	MimeMessage inbox(String address) {
		return await().atMost(Duration.ofSeconds(10)).until(() -> {
			for (MimeMessage m : mail.getReceivedMessages()) {
				if (m.getAllRecipients()[0].toString().equals(address)) {
					return m;
				}
			}
			return null;
		}, m -> m != null);
	}

	/** A reply as a Chinese mail client writes it: body in {@code charset}, base64, subject encoded the same way. */
	static byte[] reply(String from, String inReplyTo, String subject, String text, String charset) {
		Charset cs = Charset.forName(charset);
		String encodedSubject = "=?" + charset + "?B?" + Base64.getEncoder().encodeToString(subject.getBytes(cs)) + "?=";
		StringBuilder raw = new StringBuilder()
			.append("From: ").append(from).append("\r\n")
			.append("To: ").append(MAILBOX).append("\r\n")
			.append("Subject: ").append(encodedSubject).append("\r\n")
			.append("Message-ID: <reply-").append(UUID.randomUUID()).append("@example.cn>\r\n");
		if (inReplyTo != null) {
			raw.append("In-Reply-To: ").append(inReplyTo).append("\r\n").append("References: ").append(inReplyTo).append("\r\n");
		}
		raw.append("MIME-Version: 1.0\r\n")
			.append("Content-Type: text/plain; charset=").append(charset).append("\r\n")
			.append("Content-Transfer-Encoding: base64\r\n\r\n")
			.append(Base64.getMimeEncoder().encodeToString(text.getBytes(cs))).append("\r\n");
		return raw.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
	}

	static void send(byte[] raw) throws Exception {
		Properties props = new Properties();
		props.put("mail.smtp.host", "localhost");
		props.put("mail.smtp.port", String.valueOf(mail.getSmtp().getPort()));
		Session session = Session.getInstance(props);
		MimeMessage message = new MimeMessage(session, new java.io.ByteArrayInputStream(raw));
		Transport.send(message, new jakarta.mail.Address[] { new jakarta.mail.internet.InternetAddress(MAILBOX) });
	}

}
