package ackline.sms;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import ackline.notice.SmsGateway;
import ackline.notice.SmsSendException;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real Twilio SDK, wired as the application wires it, against Twilio's API on WireMock. */
class TwilioSmsGatewayIntegrationTests {

	static final String SID = "AC" + "1".repeat(32);

	static final String MESSAGES = "/2010-04-01/Accounts/" + SID + "/Messages.json";

	static final WireMockServer twilio = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	static {
		twilio.start();
	}

	final ApplicationContextRunner context = new ApplicationContextRunner()
		.withUserConfiguration(TwilioConfiguration.class)
		.withPropertyValues("ackline.twilio.account-sid=" + SID, "ackline.twilio.auth-token=secret",
				"ackline.twilio.from-number=+15005550006", "ackline.twilio.api-base-url=http://localhost:" + twilio.port(),
				"ackline.twilio.read-timeout=1s");

	final SmsGateway.OutgoingSms sms = new SmsGateway.OutgoingSms(42, "+15005550006", "+8613800138000",
			"【示例证券】尊敬的张三：请于今日追加担保物。编号7KQ2M9XD", "https://ackline.example.cn/webhooks/twilio/sms-status?attempt=42");

	@BeforeEach
	void reset() {
		twilio.resetAll();
	}

	@AfterAll
	static void stop() {
		twilio.stop();
	}

	@Test
	void sendsWithAuthAndStatusCallbackAndKeepsTheRawResponse() {
		String response = "{\"sid\": \"SM" + "a".repeat(32) + "\", \"status\": \"queued\", \"to\": \"+8613800138000\", "
				+ "\"body\": \"x\", \"account_sid\": \"" + SID + "\"}";
		twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
			.withHeader("Content-Type", "application/json").withBody(response)));
		context.run(ctx -> {
			SmsGateway.SmsAccepted accepted = ctx.getBean(SmsGateway.class).send(sms);
			assertThat(accepted.providerId()).isEqualTo("SM" + "a".repeat(32));
			assertThat(accepted.status()).isEqualTo("queued");
			assertThat(accepted.rawResponse()).isEqualTo(response);
		});
		twilio.verify(1, postRequestedFor(urlPathEqualTo(MESSAGES))
			.withHeader("Authorization", matching("Basic .+"))
			.withRequestBody(containing("To=%2B8613800138000"))
			.withRequestBody(containing("StatusCallback=https%3A%2F%2Fackline.example.cn%2Fwebhooks%2Ftwilio%2Fsms-status%3Fattempt%3D42"))
			.withRequestBody(containing("Body=%E3%80%90")));
	}

	@Test
	void invalidNumberIsPermanentAndKeepsTwiliosCode() {
		twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\": 21211, \"message\": \"The 'To' number is not a valid phone number.\", \"status\": 400}")));
		context.run(ctx -> assertThatThrownBy(() -> ctx.getBean(SmsGateway.class).send(sms))
			.isInstanceOfSatisfying(SmsSendException.class, ex -> {
				assertThat(ex.code()).isEqualTo("21211");
				assertThat(ex.retryable()).isFalse();
			}));
		twilio.verify(1, postRequestedFor(urlPathEqualTo(MESSAGES)));
	}

	@Test
	void throttlingServerErrorsAndTimeoutsAreRetryableAndTriedOnlyOnceHere() {
		twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(429)
			.withHeader("Content-Type", "application/json").withBody("{\"code\": 20429, \"message\": \"Too Many Requests\", \"status\": 429}")));
		context.run(ctx -> assertThatThrownBy(() -> ctx.getBean(SmsGateway.class).send(sms))
			.isInstanceOfSatisfying(SmsSendException.class, ex -> assertThat(ex.retryable()).isTrue()));
		twilio.verify(1, postRequestedFor(urlPathEqualTo(MESSAGES)));

		twilio.resetAll();
		twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(503).withBody("unavailable")));
		context.run(ctx -> assertThatThrownBy(() -> ctx.getBean(SmsGateway.class).send(sms))
			.isInstanceOfSatisfying(SmsSendException.class, ex -> assertThat(ex.retryable()).isTrue()));
		twilio.verify(1, postRequestedFor(urlPathEqualTo(MESSAGES)));

		twilio.resetAll();
		twilio.stubFor(post(urlPathEqualTo(MESSAGES)).willReturn(aResponse().withStatus(201)
			.withFixedDelay((int) Duration.ofSeconds(3).toMillis()).withBody("{}")));
		context.run(ctx -> assertThatThrownBy(() -> ctx.getBean(SmsGateway.class).send(sms))
			.isInstanceOfSatisfying(SmsSendException.class, ex -> assertThat(ex.retryable()).isTrue()));
	}

	@Test
	void findsAMessageAlreadyHandedOverByItsBody() {
		twilio.stubFor(get(urlPathEqualTo(MESSAGES)).withQueryParam("To", equalTo("+8613800138000"))
			.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
				.withBody("{\"messages\": [{\"sid\": \"SMother\", \"body\": \"another\", \"status\": \"delivered\"},"
						+ " {\"sid\": \"SMmine\", \"body\": \"" + sms.body() + "\", \"status\": \"sent\"}],"
						+ " \"page\": 0, \"page_size\": 100, \"first_page_uri\": \"/x\", \"next_page_uri\": null, \"uri\": \"/x\"}")));
		context.run(ctx -> {
			Optional<SmsGateway.SmsAccepted> found = ctx.getBean(SmsGateway.class).findSent(sms, sms.body(),
					Instant.now());
			assertThat(found).map(SmsGateway.SmsAccepted::providerId).contains("SMmine");
			assertThat(found).map(SmsGateway.SmsAccepted::status).contains("sent");
			assertThat(ctx.getBean(SmsGateway.class).findSent(sms, "not sent", Instant.now())).isEmpty();
		});
	}

	@Test
	void noAccountMeansNoGatewayAndAHealthThatSaysSo() {
		new ApplicationContextRunner().withUserConfiguration(TwilioConfiguration.class).run(ctx -> {
			assertThat(ctx).doesNotHaveBean(SmsGateway.class);
			assertThat(ctx.getBean(TwilioHealthIndicator.class).health(true).getStatus().getCode()).isEqualTo("DOWN");
		});
	}

	/** Twilio's scheme, written out independently: base64 HMAC-SHA1 over the URL and the sorted key+value pairs. */
	static String sign(String token, String url, java.util.Map<String, String> params) throws Exception {
		StringBuilder data = new StringBuilder(url);
		new java.util.TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
		javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
		mac.init(new javax.crypto.spec.SecretKeySpec(token.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
		return java.util.Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
	}

	@Test
	void webhookSignaturesAreCheckedWithTheSdksValidator() {
		context.run(ctx -> {
			TwilioWebhooks webhooks = ctx.getBean(TwilioWebhooks.class);
			java.util.Map<String, String> params = java.util.Map.of("MessageSid", "SM1", "Body", "收到", "From", "+8613800138000");
			String url = "https://ackline.example.cn/webhooks/twilio/sms";
			String signature = sign("secret", url, params);
			assertThat(webhooks.verify(url, params, signature)).isTrue();
			assertThat(webhooks.verify(url + "?x=1", params, signature)).isFalse();
			assertThat(webhooks.verify(url, java.util.Map.of("MessageSid", "SM1", "Body", "1"), signature)).isFalse();
			assertThat(webhooks.verify(url, params, null)).isFalse();
		});
	}

}
