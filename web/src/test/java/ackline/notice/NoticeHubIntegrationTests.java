package ackline.notice;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ackline.AcklineApplication;
import ackline.testing.Api;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
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
 * The notice hub end to end through HTTP: the real Twilio SDK against WireMock, the machine's
 * PostgreSQL and Redis, webhooks signed as Twilio signs them.
 */
@DirtiesContext
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NoticeHubIntegrationTests {

	static final String PUBLIC = "https://ackline.example.cn";

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.public-base-url", () -> PUBLIC);
		registry.add("ackline.sms.rate-per-second", () -> "0");
		registry.add("ackline.notices.retry-initial-interval", () -> "200ms");
		registry.add("ackline.notices.retry-max-interval", () -> "1s");
		registry.add("ackline.notices.reconcile-interval", () -> "300ms");
	}

	@LocalServerPort
	int port;

	Api api;

	@BeforeEach
	void setUp() {
		api = new Api(port);
		twilio.accept();
	}

	@AfterAll
	static void stop() {
		twilio.close();
	}

	@Test
	void marginCallGoesOutBySmsAndASignedReplyAcknowledgesIt() {
		String phone = uniquePhone();
		UUID id = submit(marginCall(phone, null));
		JsonNode notice = awaitAttempt(id, "SMS", "QUEUED");
		Map<String, String> sent = onlyMessageTo("+86" + phone);
		assertThat(sent.get("From")).isEqualTo(TwilioStub.FROM);
		assertThat(sent.get("Body")).contains("张三", "128%", "52,000.00", "编号" + notice.get("ref").asString(),
				PUBLIC + "/ack/");
		assertThat(sent.get("StatusCallback")).startsWith(PUBLIC + "/webhooks/twilio/sms-status?attempt=");
		JsonNode attempt = notice.get("attempts").get(0);
		assertThat(attempt.get("providerId").asString()).startsWith("SM");
		assertThat(attempt.get("segments").asInt()).isGreaterThan(1);
		assertThat(attempt.get("encoding").asString()).isEqualTo("UCS-2");
		assertThat(notice.get("status").asString()).isEqualTo("SENT");
		assertThat(notice.get("evidence").toString()).contains("SMS_SENT");

		Map<String, String> reply = inbound("+86" + phone, "收到");
		Api.Reply forged = api.form("/webhooks/twilio/sms", reply, Map.of("X-Twilio-Signature", "bm90LWEtc2lnbmF0dXJl"));
		assertThat(forged.status()).isEqualTo(403);
		assertThat(forged.body()).contains("X-Twilio-Signature");
		Api.Reply unsigned = api.form("/webhooks/twilio/sms", reply, Map.of());
		assertThat(unsigned.status()).isEqualTo(403);
		Api.Reply wrongKey = api.form("/webhooks/twilio/sms", reply,
				Map.of("X-Twilio-Signature", ackline.localrun.TwilioSimulator.signature("another-token", PUBLIC + "/webhooks/twilio/sms", reply)));
		assertThat(wrongKey.status()).isEqualTo(403);
		assertThat(get(id).get("status").asString()).isEqualTo("SENT");

		Api.Reply signed = api.twilio("/webhooks/twilio/sms", reply, PUBLIC, TwilioStub.AUTH_TOKEN);
		assertThat(signed.status()).isEqualTo(200);
		assertThat(signed.body()).contains("<Response>");
		JsonNode acked = get(id);
		assertThat(acked.get("status").asString()).isEqualTo("ACKNOWLEDGED");
		JsonNode ack = acked.get("acknowledgement");
		assertThat(ack.get("channel").asString()).isEqualTo("SMS");
		assertThat(ack.get("text").asString()).isEqualTo("收到");
		assertThat(ack.get("evidenceSha256").asString()).hasSize(64);
		assertThat(acked.get("evidence").toString()).contains("SMS_RECEIVED");

		Api.Reply replay = api.twilio("/webhooks/twilio/sms", reply, PUBLIC, TwilioStub.AUTH_TOKEN);
		assertThat(replay.status()).isEqualTo(200);
		JsonNode after = get(id);
		assertThat(after.get("replies")).hasSize(1);
		assertThat(after.get("acknowledgement").get("receivedAt")).isEqualTo(ack.get("receivedAt"));
		assertThat(count(after.get("evidence"), "SMS_RECEIVED")).isEqualTo(1);
	}

	@Test
	void fullWidthAndPoliteRepliesAcknowledgeButQuestionsWaitForAnAgent() {
		String a = uniquePhone();
		String b = uniquePhone();
		UUID first = submit(marginCall(a, null));
		UUID second = submit(marginCall(b, null));
		awaitAttempt(first, "SMS", "QUEUED");
		awaitAttempt(second, "SMS", "QUEUED");
		assertThat(api.twilio("/webhooks/twilio/sms", inbound("+86" + a, "１"), PUBLIC, TwilioStub.AUTH_TOKEN).status())
			.isEqualTo(200);
		assertThat(get(first).get("status").asString()).isEqualTo("ACKNOWLEDGED");

		assertThat(api.twilio("/webhooks/twilio/sms", inbound("+86" + b, "收到了吗？我没看懂"), PUBLIC,
				TwilioStub.AUTH_TOKEN).status()).isEqualTo(200);
		JsonNode notAcked = get(second);
		assertThat(notAcked.get("status").asString()).isEqualTo("SENT");
		assertThat(notAcked.get("replies").get(0).get("classification").asString()).isEqualTo("OTHER");
		assertThat(notAcked.get("replies").get(0).get("needsAttention").asBoolean()).isTrue();
		JsonNode waiting = api.get("/api/v1/replies?needsAttention=true&from=%2B86" + b, "agent1").json();
		assertThat(waiting).hasSize(1);
		assertThat(waiting.get(0).get("text").asString()).isEqualTo("收到了吗？我没看懂");

		assertThat(api.twilio("/webhooks/twilio/sms", inbound("+86" + b, "ＯＫ，谢谢！"), PUBLIC, TwilioStub.AUTH_TOKEN)
			.status()).isEqualTo(200);
		assertThat(get(second).get("status").asString()).isEqualTo("ACKNOWLEDGED");
	}

	@Test
	void aReplyFromAnUnknownNumberIsKeptUnmatched() {
		String stranger = "+86" + uniquePhone();
		assertThat(api.twilio("/webhooks/twilio/sms", inbound(stranger, "收到"), PUBLIC, TwilioStub.AUTH_TOKEN).status())
			.isEqualTo(200);
		JsonNode kept = api.get("/api/v1/replies?from=" + stranger.replace("+", "%2B"), "supervisor1").json();
		assertThat(kept).hasSize(1);
		assertThat(kept.get(0).get("matchMethod").asString()).isEqualTo("NONE");
		assertThat(kept.get(0).get("needsAttention").asBoolean()).isTrue();
		assertThat(kept.get(0).get("evidenceId").isNull()).isFalse();
	}

	@Test
	void oneReplyAcknowledgesTheMostRecentOpenNoticeAndRecordsTheOthers() {
		String phone = uniquePhone();
		UUID older = submit(marginCall(phone, null));
		UUID newer = submit(Map.of("type", "FORCED_LIQUIDATION", "clientId", "C-" + phone, "clientName", "张三", "phone",
				phone, "channels", List.of("SMS"), "params", Map.of("ratio", "118%", "time", "2026-11-24 14:55")));
		awaitAttempt(older, "SMS", "QUEUED");
		awaitAttempt(newer, "SMS", "QUEUED");
		api.twilio("/webhooks/twilio/sms", inbound("+86" + phone, "收到"), PUBLIC, TwilioStub.AUTH_TOKEN);
		assertThat(get(newer).get("status").asString()).isEqualTo("ACKNOWLEDGED");
		JsonNode stillOpen = get(older);
		assertThat(stillOpen.get("status").asString()).isEqualTo("SENT");
		JsonNode reply = get(newer).get("replies").get(0);
		assertThat(reply.get("openNoticesAtReceipt").toString()).contains(older.toString(), newer.toString());
		assertThat(get(newer).get("history").toString()).contains("otherOpenNotices", older.toString());
	}

	@Test
	void lateAndOutOfOrderDeliveryReportsNeverOverwriteAFinalStatus() {
		String phone = uniquePhone();
		UUID id = submit(marginCall(phone, null));
		JsonNode attempt = awaitAttempt(id, "SMS", "QUEUED").get("attempts").get(0);
		String sid = attempt.get("providerId").asString();
		String callback = "/webhooks/twilio/sms-status?attempt=" + attempt.get("id").asLong();
		assertThat(status(callback, sid, "delivered", null).status()).isEqualTo(204);
		assertThat(status(callback, sid, "sent", null).status()).isEqualTo(204);
		assertThat(status(callback, sid, "delivered", null).status()).isEqualTo(204);
		assertThat(status(callback, sid, "undelivered", "30003").status()).isEqualTo(204);
		JsonNode notice = get(id);
		JsonNode after = notice.get("attempts").get(0);
		assertThat(after.get("status").asString()).isEqualTo("DELIVERED");
		assertThat(after.get("errorCode").isNull()).isTrue();
		assertThat(after.get("deliveredAt").isNull()).isFalse();
		assertThat(notice.get("status").asString()).isEqualTo("DELIVERED");
		assertThat(count(notice.get("evidence"), "SMS_STATUS")).isEqualTo(4);
		List<JsonNode> reports = notice.get("history").valueStream()
			.filter(e -> e.get("kind").asString().equals("DELIVERY_REPORT"))
			.toList();
		assertThat(reports).extracting(e -> e.get("detail").get("applied").asBoolean())
			.containsExactly(true, false, false, false);

		Api.Reply forged = api.form(callback, Map.of("MessageSid", sid, "MessageStatus", "failed"),
				Map.of("X-Twilio-Signature", "AAAA"));
		assertThat(forged.status()).isEqualTo(403);
	}

	@Test
	void aFailedDeliveryKeepsTheProvidersErrorCode() {
		String phone = uniquePhone();
		UUID id = submit(marginCall(phone, null));
		JsonNode attempt = awaitAttempt(id, "SMS", "QUEUED").get("attempts").get(0);
		String callback = "/webhooks/twilio/sms-status?attempt=" + attempt.get("id").asLong();
		status(callback, attempt.get("providerId").asString(), "undelivered", "30005");
		JsonNode notice = get(id);
		assertThat(notice.get("attempts").get(0).get("status").asString()).isEqualTo("UNDELIVERED");
		assertThat(notice.get("attempts").get(0).get("errorCode").asString()).isEqualTo("30005");
		assertThat(notice.get("status").asString()).isEqualTo("FAILED");
	}

	@Test
	void permanentProviderErrorsFailAtOnceAndTransientOnesAreRetried() {
		String invalid = uniquePhone();
		twilio.refuse("+86" + invalid, 400, 21211, "The 'To' number is not a valid phone number.");
		UUID failed = submit(marginCall(invalid, null));
		JsonNode notice = awaitAttempt(failed, "SMS", "FAILED");
		JsonNode attempt = notice.get("attempts").get(0);
		assertThat(attempt.get("errorCode").asString()).isEqualTo("21211");
		assertThat(attempt.get("tries").asInt()).isEqualTo(1);
		assertThat(notice.get("status").asString()).isEqualTo("FAILED");

		String busy = uniquePhone();
		twilio.refuse("+86" + busy, 429, 20429, "Too Many Requests");
		UUID retried = submit(marginCall(busy, null));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> get(retried).get("attempts").get(0).get("tries").asInt() >= 2);
		assertThat(get(retried).get("attempts").get(0).get("errorCode").asString()).isEqualTo("20429");
		twilio.accept();
		awaitAttempt(retried, "SMS", "QUEUED");
		assertThat(get(retried).get("history").toString()).contains("RETRY_SCHEDULED");
	}

	@Test
	void theOneTimeLinkAcknowledgesWithTheClicksEvidence() {
		String phone = uniquePhone();
		UUID id = submit(marginCall(phone, OffsetDateTime.now().plusDays(1)));
		awaitAttempt(id, "SMS", "QUEUED");
		String token = token(onlyMessageTo("+86" + phone).get("Body"));
		Api.Reply page = api.get("/ack/" + token, null);
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("确认已知晓", "追加担保物通知");
		assertThat(get(id).get("status").asString()).isEqualTo("SENT");
		Api.Reply english = api.get("/ack/" + token + "?lang=en", null);
		assertThat(english.body()).contains("Acknowledge");

		Api.Reply click = api.form("/ack/" + token, Map.of(), Map.of("User-Agent", "Mozilla/5.0 (iPhone) test"));
		assertThat(click.status()).isEqualTo(200);
		assertThat(click.body()).contains("已确认");
		JsonNode notice = get(id);
		assertThat(notice.get("status").asString()).isEqualTo("ACKNOWLEDGED");
		assertThat(notice.get("acknowledgement").get("channel").asString()).isEqualTo("LINK");
		assertThat(notice.get("acknowledgement").get("userAgent").asString()).contains("iPhone");
		assertThat(notice.get("acknowledgement").get("clientIp").asString()).isNotBlank();
		assertThat(count(notice.get("evidence"), "ACK_CLICK")).isEqualTo(1);

		Api.Reply again = api.form("/ack/" + token, Map.of(), Map.of());
		assertThat(again.body()).contains("该通知已确认");
		assertThat(count(get(id).get("evidence"), "ACK_CLICK")).isEqualTo(1);
		assertThat(api.get("/ack/AAAAAAAAAAAAAAAAAAAAAA", null).status()).isEqualTo(404);
		assertThat(api.get("/ack/not-a-token", null).status()).isEqualTo(404);
	}

	@Test
	void stopOptsOutButRegulatoryNoticesAreStillSent() {
		String phone = uniquePhone();
		UUID first = submit(marginCall(phone, null));
		awaitAttempt(first, "SMS", "QUEUED");
		api.twilio("/webhooks/twilio/sms", inbound("+86" + phone, "退订"), PUBLIC, TwilioStub.AUTH_TOKEN);
		assertThat(get(first).get("optedOut").asBoolean()).isTrue();
		assertThat(get(first).get("history").toString()).contains("OPTED_OUT");

		UUID general = submit(Map.of("type", "GENERAL", "clientId", "C-" + phone, "clientName", "张三", "phone", phone,
				"channels", List.of("SMS"), "params", Map.of("message", "您的账单已生成。")));
		JsonNode skipped = awaitAttempt(general, "SMS", "SKIPPED");
		assertThat(skipped.get("optedOut").asBoolean()).isTrue();
		assertThat(skipped.get("status").asString()).isEqualTo("FAILED");

		UUID regulatory = submit(marginCall(phone, null));
		JsonNode sent = awaitAttempt(regulatory, "SMS", "QUEUED");
		assertThat(sent.get("optedOut").asBoolean()).isTrue();
		assertThat(sent.get("history").get(0).get("detail").get("regulatory").asBoolean()).isTrue();
	}

	@Test
	void theSameIdempotencyKeyReturnsTheSameNoticeAndNeverSendsTwice() {
		String phone = uniquePhone();
		String key = UUID.randomUUID().toString();
		Map<String, Object> body = new HashMap<>(marginCall(phone, null));
		body.put("idempotencyKey", key);
		Api.Reply a = api.post("/api/v1/notices", "system", body);
		Api.Reply b = api.post("/api/v1/notices", "system", body);
		assertThat(a.status()).isEqualTo(202);
		assertThat(b.status()).isEqualTo(202);
		assertThat(a.json().get("id")).isEqualTo(b.json().get("id"));
		assertThat(b.json().get("created").asBoolean()).isFalse();
		UUID id = UUID.fromString(a.json().get("id").asString());
		awaitAttempt(id, "SMS", "QUEUED");
		assertThat(twilio.messages().stream().filter(m -> m.get("To").equals("+86" + phone))).hasSize(1);

		body.put("params", Map.of("ratio", "125%", "shortfall", "60,000.00", "deadline", "2026-11-24 15:00"));
		Api.Reply changed = api.post("/api/v1/notices", "system", body);
		assertThat(changed.status()).isEqualTo(202);
		assertThat(changed.json().get("id")).isEqualTo(a.json().get("id"));
		assertThat(changed.json().get("requestDiffers").asBoolean()).isTrue();
		assertThat(twilio.messages().stream().filter(m -> m.get("To").equals("+86" + phone))).hasSize(1);
	}

	@Test
	void badInputIsRefusedWithTheFieldNamedAndNothingWritten() {
		long before = api.get("/api/v1/notices?size=1", "system").json().get("total").asLong();
		Map<String, Object> badPhone = new HashMap<>(marginCall("12345", null));
		Api.Reply phone = api.post("/api/v1/notices", "system", badPhone);
		assertThat(phone.status()).isEqualTo(400);
		assertThat(phone.headers().get("content-type").get(0)).contains("application/problem+json");
		assertThat(phone.json().get("field").asString()).isEqualTo("phone");

		assertThat(phone.json().get("title").asString()).isEqualTo("通知无法受理");
		assertThat(phone.json().get("errors").get(0).get("message").asString()).isEqualTo("“12345”不是有效的手机号码");
		assertThat(phone.json().get("errors").get(0).get("code").asString()).isEqualTo("phone.invalid");
		Api.Reply english = api.post("/api/v1/notices", "system", badPhone, Map.of("Accept-Language", "en"));
		assertThat(english.json().get("detail").asString()).isEqualTo("phone: '12345' is not a valid phone number");

		Map<String, Object> badType = new HashMap<>(marginCall(uniquePhone(), null));
		badType.put("type", "MARGIN");
		assertThat(api.post("/api/v1/notices", "system", badType).json().get("field").asString()).isEqualTo("type");

		Map<String, Object> missing = new HashMap<>(marginCall(uniquePhone(), null));
		missing.put("params", Map.of("ratio", "128%", "deadline", "2026-11-24 15:00"));
		Api.Reply noShortfall = api.post("/api/v1/notices", "system", missing);
		assertThat(noShortfall.status()).isEqualTo(400);
		assertThat(noShortfall.json().get("field").asString()).isEqualTo("params.shortfall");

		Api.Reply malformed = api.post("/api/v1/notices", "system", "{\"type\": \"MARGIN_CALL\", \"ackDeadline\": \"tomorrow\"}");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.json().get("field").asString()).isEqualTo("ackDeadline");

		Map<String, Object> huge = new HashMap<>(marginCall(uniquePhone(), null));
		huge.put("params", Map.of("ratio", "x".repeat(100_000)));
		Api.Reply tooLarge = api.post("/api/v1/notices", "system", huge);
		assertThat(tooLarge.status()).isEqualTo(413);
		assertThat(tooLarge.json().get("field").asString()).isEqualTo("body");

		assertThat(api.post("/api/v1/notices", "agent1", marginCall(uniquePhone(), null)).status()).isEqualTo(403);
		assertThat(api.post("/api/v1/notices", null, marginCall(uniquePhone(), null)).status()).isEqualTo(401);
		assertThat(api.get("/api/v1/notices/" + UUID.randomUUID(), "system").status()).isEqualTo(404);
		assertThat(api.get("/api/v1/notices/not-a-uuid", "system").json().get("field").asString()).isEqualTo("id");
		assertThat(api.get("/api/v1/notices?size=1", "system").json().get("total").asLong()).isEqualTo(before);
	}

	@Test
	void aBatchAcceptsGoodItemsAndNamesTheBadOnes() {
		String good = uniquePhone();
		Api.Reply reply = api.post("/api/v1/notices/batch", "system", Map.of("notices", List.of(marginCall(good, null),
				Map.of("type", "MARGIN_CALL", "clientId", "C1", "clientName", "李四", "phone", "999", "channels", List.of("SMS"),
						"params", Map.of()))));
		assertThat(reply.status()).isEqualTo(202);
		JsonNode body = reply.json();
		assertThat(body.get("accepted").asInt()).isEqualTo(1);
		assertThat(body.get("rejected").asInt()).isEqualTo(1);
		assertThat(body.get("results").get(1).get("errors").toString()).contains("phone", "params.ratio");
		UUID id = UUID.fromString(body.get("results").get(0).get("id").asString());
		awaitAttempt(id, "SMS", "QUEUED");
		JsonNode page = api.get("/api/v1/notices?clientId=C-" + good + "&status=SENT&type=MARGIN_CALL", "supervisor1").json();
		assertThat(page.get("total").asLong()).isEqualTo(1);
		assertThat(api.get("/api/v1/notices?status=NOPE", "system").json().get("field").asString()).isEqualTo("status");
	}

	@Test
	void aNoticeWithoutAcknowledgementByItsDeadlineExpiresAndALateReplyIsMarkedLate() {
		String phone = uniquePhone();
		UUID id = submit(marginCall(phone, OffsetDateTime.now().plusSeconds(3)));
		awaitAttempt(id, "SMS", "QUEUED");
		String token = token(onlyMessageTo("+86" + phone).get("Body"));
		JsonNode expired = await().atMost(Duration.ofSeconds(30)).until(() -> get(id),
				n -> n.get("status").asString().equals("EXPIRED"));
		assertThat(expired.get("history").toString()).contains("EXPIRED");
		Api.Reply link = api.get("/ack/" + token, null);
		assertThat(link.status()).isEqualTo(410);
		assertThat(link.body()).contains("已过期");
		api.form("/ack/" + token, Map.of(), Map.of());
		assertThat(get(id).get("status").asString()).isEqualTo("EXPIRED");

		api.twilio("/webhooks/twilio/sms", inbound("+86" + phone, "收到"), PUBLIC, TwilioStub.AUTH_TOKEN);
		JsonNode late = get(id);
		assertThat(late.get("status").asString()).isEqualTo("ACKNOWLEDGED");
		assertThat(late.get("acknowledgement").get("late").asBoolean()).isTrue();
	}

	@Test
	void healthIsOpenButItsDetailsAndMetricsAreForAdmins() {
		Api.Reply open = api.get("/actuator/health", null);
		assertThat(open.status()).isEqualTo(200);
		assertThat(open.json().get("status").asString()).isEqualTo("UP");
		assertThat(open.json().has("components")).isFalse();
		JsonNode details = api.get("/actuator/health", "admin").json();
		assertThat(details.get("components").propertyNames()).contains("db", "redis", "twilio");
		assertThat(details.get("components").get("twilio").get("status").asString()).isEqualTo("UP");
		assertThat(api.get("/actuator/prometheus", "agent1").status()).isEqualTo(403);
		Api.Reply metrics = api.get("/actuator/prometheus", "admin");
		assertThat(metrics.status()).isEqualTo(200);
		assertThat(metrics.body()).contains("ackline_notices_accepted");
	}

	// --- helpers

	static Map<String, Object> marginCall(String phone, OffsetDateTime deadline) {
		Map<String, Object> body = new HashMap<>();
		body.put("type", "MARGIN_CALL");
		body.put("clientId", "C-" + phone);
		body.put("clientName", "张三");
		body.put("phone", phone);
		body.put("channels", List.of("SMS"));
		body.put("requireAck", true);
		body.put("params", Map.of("ratio", "128%", "shortfall", "52,000.00", "deadline", "2026-11-24 15:00"));
		if (deadline != null) {
			body.put("ackDeadline", deadline.toString());
		}
		return body;
	}

	UUID submit(Map<String, Object> body) {
		Api.Reply reply = api.post("/api/v1/notices", "system", body);
		assertThat(reply.status()).as(reply.body()).isEqualTo(202);
		return UUID.fromString(reply.json().get("id").asString());
	}

	JsonNode get(UUID id) {
		Api.Reply reply = api.get("/api/v1/notices/" + id, "system");
		assertThat(reply.status()).as(reply.body()).isEqualTo(200);
		return reply.json();
	}

	JsonNode awaitAttempt(UUID id, String channel, String status) {
		return await().atMost(Duration.ofSeconds(30)).until(() -> get(id), n -> n.get("attempts").valueStream()
			.anyMatch(a -> a.get("channel").asString().equals(channel) && a.get("status").asString().equals(status)));
	}

	Map<String, String> onlyMessageTo(String to) {
		List<Map<String, String>> messages = twilio.messages().stream().filter(m -> to.equals(m.get("To"))).toList();
		assertThat(messages).hasSize(1);
		return messages.get(0);
	}

	Api.Reply status(String callback, String sid, String status, String errorCode) {
		Map<String, String> form = new HashMap<>(Map.of("MessageSid", sid, "SmsSid", sid, "MessageStatus", status,
				"SmsStatus", status, "AccountSid", TwilioStub.ACCOUNT_SID, "From", TwilioStub.FROM, "To", "+8613800000000",
				"ApiVersion", "2010-04-01"));
		if (errorCode != null) {
			form.put("ErrorCode", errorCode);
		}
		return api.twilio(callback, form, PUBLIC, TwilioStub.AUTH_TOKEN);
	}

	static Map<String, String> inbound(String from, String body) {
		return Map.of("MessageSid", "SM" + UUID.randomUUID().toString().replace("-", ""), "AccountSid",
				TwilioStub.ACCOUNT_SID, "From", from, "To", TwilioStub.FROM, "Body", body, "NumMedia", "0",
				"NumSegments", "1", "SmsStatus", "received", "ApiVersion", "2010-04-01");
	}

	static String token(String body) {
		Matcher m = Pattern.compile("/ack/([A-Za-z0-9_-]{22})").matcher(body);
		assertThat(m.find()).isTrue();
		return m.group(1);
	}

	static long count(JsonNode evidence, String kind) {
		return evidence.valueStream().filter(e -> e.get("kind").asString().equals(kind)).count();
	}

	static String uniquePhone() {
		return "139" + String.format("%08d", (long) (Math.random() * 100_000_000L));
	}

}
