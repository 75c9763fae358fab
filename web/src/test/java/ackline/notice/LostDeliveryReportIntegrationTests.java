package ackline.notice;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import ackline.AcklineApplication;
import ackline.testing.Api;
import ackline.testing.TestServices;
import ackline.testing.TwilioStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A delivery report that never comes (our endpoint was down when Twilio called): Ackline asks Twilio for
 * the message (the SDK's fetch, against WireMock) and applies what it learns as a report.
 */
@DirtiesContext
@SpringBootTest(classes = AcklineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LostDeliveryReportIntegrationTests {

	static final TwilioStub twilio = TwilioStub.withJournal();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		TestServices.register(registry, twilio::baseUrl);
		registry.add("ackline.sms.rate-per-second", () -> "0");
		registry.add("ackline.notices.reconcile-interval", () -> "300ms");
		registry.add("ackline.notices.status-poll-after", () -> "1s");
	}

	@LocalServerPort
	int port;

	@AfterAll
	static void stop() {
		twilio.close();
	}

	@Test
	void anSmsWhoseReportNeverCameIsAskedAboutAndMovesOn() {
		Api api = new Api(port);
		twilio.server().stubFor(get(urlPathMatching("/2010-04-01/Accounts/.*/Messages/SM.*\\.json")).willReturn(aResponse()
			.withStatus(200).withHeader("Content-Type", "application/json")
			.withBody("{\"status\": \"undelivered\", \"error_code\": 30006, \"account_sid\": \""
					+ TwilioStub.ACCOUNT_SID + "\"}")));
		Api.Reply accepted = api.post("/api/v1/notices", "system",
				NoticeHubIntegrationTests.marginCall(NoticeHubIntegrationTests.uniquePhone(), null));
		UUID id = UUID.fromString(accepted.json().get("id").asString());
		JsonNode notice = await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/notices/" + id, "system").json(),
				n -> n.get("attempts").get(0).get("status").asString().equals("UNDELIVERED"));
		assertThat(notice.get("attempts").get(0).get("errorCode").asString()).isEqualTo("30006");
		assertThat(notice.get("status").asString()).isEqualTo("FAILED");
		assertThat(notice.get("evidence").toString()).contains("SMS_STATUS");
		String sid = notice.get("attempts").get(0).get("providerId").asString();
		twilio.server().verify(getRequestedFor(urlPathMatching("/2010-04-01/Accounts/.*/Messages/" + sid + "\\.json")));
		List<JsonNode> reports = notice.get("history").valueStream()
			.filter(e -> e.get("kind").asString().equals("DELIVERY_REPORT")).toList();
		assertThat(reports).hasSize(1);
	}

}
