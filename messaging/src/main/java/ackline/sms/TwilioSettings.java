package ackline.sms;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Twilio account and sender ({@code ackline.twilio.*}). The auth token signs the webhooks Twilio sends us,
 * so it comes from the environment ({@code ACKLINE_TWILIO_AUTH_TOKEN}), never from a file in the release.
 *
 * @param accountSid the account (AC…); empty turns SMS off
 * @param authToken the account's auth token
 * @param apiBaseUrl where the REST API is; empty means Twilio itself, a URL means a compatible simulator
 * @param fromNumber the number messages go out from (E.164)
 * @param connectTimeout connection time-out to the API
 * @param readTimeout how long to wait for the API's answer; a time-out is retried later
 * @param maxConnections connections kept open to the API
 */
@ConfigurationProperties("ackline.twilio")
public record TwilioSettings(@DefaultValue("") String accountSid, @DefaultValue("") String authToken,
		@DefaultValue("") String apiBaseUrl, @DefaultValue("") String fromNumber,
		@DefaultValue("5s") Duration connectTimeout, @DefaultValue("15s") Duration readTimeout,
		@DefaultValue("64") int maxConnections) {

	boolean configured() {
		return !accountSid.isBlank() && !authToken.isBlank();
	}

}
