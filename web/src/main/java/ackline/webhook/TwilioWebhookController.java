package ackline.webhook;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import ackline.notice.DeliveryReports;
import ackline.notice.PublicAddress;
import ackline.notice.Replies;
import ackline.notice.SmsReceived;
import ackline.notice.SmsStatusReported;
import ackline.sms.TwilioWebhooks;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Twilio's webhooks: inbound SMS and status callbacks. The body is read raw, before anything parses it,
 * so what Twilio posted is kept byte for byte; a request whose {@code X-Twilio-Signature} does not match
 * the public URL and its parameters is refused with 403 and changes nothing.
 */
@RestController
class TwilioWebhookController {

	private static final Logger log = LoggerFactory.getLogger(TwilioWebhookController.class);

	private static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

	private final TwilioWebhooks twilio;

	private final Replies replies;

	private final DeliveryReports reports;

	private final PublicAddress publicAddress;

	TwilioWebhookController(TwilioWebhooks twilio, Replies replies, DeliveryReports reports, PublicAddress publicAddress) {
		this.twilio = twilio;
		this.replies = replies;
		this.reports = reports;
		this.publicAddress = publicAddress;
	}

	@PostMapping("/webhooks/twilio/sms")
	ResponseEntity<?> inbound(HttpServletRequest request) throws IOException {
		byte[] raw = request.getInputStream().readAllBytes();
		Map<String, String> params = TwilioWebhooks.form(raw);
		if (!signed(request, params)) {
			return forbidden();
		}
		SmsReceived sms = twilio.inbound(params, raw);
		if (sms == null) {
			return badRequest("MessageSid and From are required");
		}
		replies.onSms(sms);
		return ResponseEntity.ok().contentType(MediaType.TEXT_XML).body(EMPTY_TWIML);
	}

	@PostMapping("/webhooks/twilio/sms-status")
	ResponseEntity<?> status(HttpServletRequest request) throws IOException {
		byte[] raw = request.getInputStream().readAllBytes();
		Map<String, String> params = TwilioWebhooks.form(raw);
		if (!signed(request, params)) {
			return forbidden();
		}
		SmsStatusReported report = twilio.status(params, attemptFromQuery(request.getQueryString()), raw);
		if (report == null) {
			return badRequest("MessageSid and MessageStatus are required");
		}
		reports.apply(report);
		return ResponseEntity.noContent().build();
	}

	private boolean signed(HttpServletRequest request, Map<String, String> params) {
		String query = request.getQueryString();
		String url = publicAddress.url(request.getRequestURI() + (query == null ? "" : "?" + query));
		boolean ok = twilio.verify(url, params, request.getHeader("X-Twilio-Signature"));
		if (!ok) {
			log.warn("Refused a Twilio webhook with a missing or wrong signature from {} for {}", request.getRemoteAddr(),
					request.getRequestURI());
		}
		return ok;
	}

	/** Our own status callback URL carries {@code ?attempt=ID}; read from the query string, never the body. */
	static Long attemptFromQuery(String query) {
		if (query == null) {
			return null;
		}
		for (String pair : query.split("&")) {
			if (pair.startsWith("attempt=")) {
				try {
					return Long.parseLong(java.net.URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8));
				}
				catch (NumberFormatException ex) {
					return null;
				}
			}
		}
		return null;
	}

	private static ResponseEntity<ProblemDetail> forbidden() {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
				"X-Twilio-Signature is missing or does not match this request");
		problem.setType(URI.create("https://ackline.local/problems/bad-signature"));
		problem.setTitle("Webhook signature refused");
		problem.setProperty("field", "X-Twilio-Signature");
		return ResponseEntity.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	private static ResponseEntity<ProblemDetail> badRequest(String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setType(URI.create("https://ackline.local/problems/invalid-webhook"));
		problem.setTitle("Incomplete webhook");
		return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
