package ackline.sms;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import ackline.notice.SmsReceived;
import ackline.notice.SmsStatusReported;
import com.twilio.security.RequestValidator;

/**
 * Twilio's webhooks at the edge: checks {@code X-Twilio-Signature} with the SDK's {@link RequestValidator}
 * against the public URL Twilio called, and turns the form it posted into our own records.
 */
public class TwilioWebhooks {

	private final RequestValidator validator;

	private final boolean configured;

	TwilioWebhooks(TwilioSettings settings) {
		this.configured = settings.configured();
		this.validator = new RequestValidator(settings.authToken().isBlank() ? "unset" : settings.authToken());
	}

	/** True only for a request signed with our auth token over exactly this URL and these parameters. */
	public boolean verify(String publicUrl, Map<String, String> params, String signature) {
		if (!configured || signature == null || signature.isBlank()) {
			return false;
		}
		return validator.validate(publicUrl, params, signature);
	}

	/** Parses an {@code application/x-www-form-urlencoded} body as Twilio sends it (UTF-8). */
	public static Map<String, String> form(byte[] body) {
		Map<String, String> params = new LinkedHashMap<>();
		String text = new String(body, StandardCharsets.UTF_8);
		if (text.isEmpty()) {
			return params;
		}
		for (String pair : text.split("&")) {
			int eq = pair.indexOf('=');
			String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
			String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
			params.putIfAbsent(key, value);
		}
		return params;
	}

	/** An inbound SMS webhook; null when the form lacks what every Twilio message has. */
	public SmsReceived inbound(Map<String, String> params, byte[] raw) {
		String sid = first(params, "MessageSid", "SmsSid");
		String from = params.get("From");
		if (sid == null || from == null) {
			return null;
		}
		return new SmsReceived("twilio", sid, from, params.get("To"), params.getOrDefault("Body", ""), raw);
	}

	/** A status callback; null when it names no message or no status. */
	public SmsStatusReported status(Map<String, String> params, Long attemptId, byte[] raw) {
		String sid = first(params, "MessageSid", "SmsSid");
		String status = first(params, "MessageStatus", "SmsStatus");
		if (sid == null || status == null) {
			return null;
		}
		return new SmsStatusReported("twilio", sid, attemptId, status, params.get("ErrorCode"), raw);
	}

	private static String first(Map<String, String> params, String... names) {
		for (String name : names) {
			String v = params.get(name);
			if (v != null && !v.isBlank()) {
				return v;
			}
		}
		return null;
	}

}
