package ackline.sms;

import ackline.phone.InvalidPhoneNumberException;
import ackline.phone.PhoneNumbers;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** Reports whether the Twilio settings can send: an account, a token and a valid sending number. */
class TwilioHealthIndicator extends AbstractHealthIndicator {

	private final TwilioSettings settings;

	TwilioHealthIndicator(TwilioSettings settings) {
		super("Twilio settings check failed");
		this.settings = settings;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("api", settings.apiBaseUrl().isBlank() ? "api.twilio.com" : settings.apiBaseUrl());
		if (!settings.configured()) {
			builder.down().withDetail("error", "ackline.twilio.account-sid and ackline.twilio.auth-token are not set");
			return;
		}
		if (!settings.accountSid().startsWith("AC") || settings.accountSid().length() != 34) {
			builder.down().withDetail("error", "ackline.twilio.account-sid is not an account SID (AC + 32 hex)");
			return;
		}
		try {
			new PhoneNumbers().normalize(settings.fromNumber());
		}
		catch (InvalidPhoneNumberException ex) {
			builder.down().withDetail("error", "ackline.twilio.from-number: " + ex.getMessage());
			return;
		}
		builder.up()
			.withDetail("accountSid", settings.accountSid().substring(0, 6) + "…")
			.withDetail("fromNumber", settings.fromNumber());
	}

}
