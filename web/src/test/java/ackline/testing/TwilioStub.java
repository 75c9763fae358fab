package ackline.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

/**
 * Twilio's Messages API on WireMock, answering as Twilio does (201 with the message resource), so the
 * real Twilio SDK runs against it. Tests script errors per recipient with {@link #refuse}.
 */
public final class TwilioStub implements AutoCloseable {

	public static final String ACCOUNT_SID = "AC" + "0".repeat(31) + "1";

	public static final String AUTH_TOKEN = "test-twilio-auth-token";

	public static final String FROM = "+15005550006";

	private static final String MESSAGES = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";

	private final WireMockServer server;

	public TwilioStub() {
		server = new WireMockServer(WireMockConfiguration.options()
			.dynamicPort()
			.bindAddress("127.0.0.1")
			.containerThreads(64)
			.jettyAcceptors(2)
			.globalTemplating(true)
			.disableRequestJournal()
			.maxRequestJournalEntries(0));
		server.start();
		accept();
	}

	/** A stub that keeps its journal, for tests that count what reached the provider. */
	public static TwilioStub withJournal() {
		return new TwilioStub(true);
	}

	private TwilioStub(boolean journal) {
		server = new WireMockServer(WireMockConfiguration.options()
			.dynamicPort()
			.bindAddress("127.0.0.1")
			.containerThreads(64)
			.jettyAcceptors(2)
			.globalTemplating(true));
		server.start();
		accept();
	}

	public String baseUrl() {
		return "http://localhost:" + server.port();
	}

	public WireMockServer server() {
		return server;
	}

	/** Every message is accepted: 201 with a fresh SID and status {@code queued}. */
	public void accept() {
		server.resetMappings();
		server.stubFor(post(urlPathMatching(MESSAGES)).atPriority(10)
			.willReturn(aResponse().withStatus(201)
				.withHeader("Content-Type", "application/json")
				.withBody("""
						{{formData request.body 'form' urlDecode=true}}{"account_sid": "%s", "api_version": "2010-04-01",
						 "body": null,
						 "date_created": "{{now format='EEE, dd MMM yyyy HH:mm:ss Z'}}", "date_sent": null,
						 "date_updated": "{{now format='EEE, dd MMM yyyy HH:mm:ss Z'}}", "direction": "outbound-api",
						 "error_code": null, "error_message": null,
						 "from": "{{form.From}}",
						 "messaging_service_sid": null, "num_media": "0", "num_segments": "1", "price": null,
						 "price_unit": "USD", "sid": "SM{{randomValue length=32 type='HEXADECIMAL'}}", "status": "queued",
						 "subresource_uris": {}, "to": "{{form.To}}",
						 "uri": "/2010-04-01/Accounts/%s/Messages/SM0.json"}""".formatted(ACCOUNT_SID, ACCOUNT_SID))));
	}

	/** Messages to this number get Twilio's error {@code code} with HTTP {@code status}. */
	public void refuse(String to, int status, int code, String message) {
		server.stubFor(post(urlPathMatching(MESSAGES)).atPriority(1)
			.withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(
					"To=" + java.net.URLEncoder.encode(to, StandardCharsets.UTF_8)))
			.willReturn(aResponse().withStatus(status)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"code\": " + code + ", \"message\": \"" + message + "\", \"more_info\": "
						+ "\"https://www.twilio.com/docs/errors/" + code + "\", \"status\": " + status + "}")));
	}

	/** The form of every message request received. */
	public List<Map<String, String>> messages() {
		return server.findAll(postRequestedFor(urlPathMatching(MESSAGES))).stream().map(TwilioStub::form).toList();
	}

	static Map<String, String> form(LoggedRequest request) {
		Map<String, String> form = new HashMap<>();
		for (String pair : request.getBodyAsString().split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return form;
	}

	@Override
	public void close() {
		server.stop();
	}

}
