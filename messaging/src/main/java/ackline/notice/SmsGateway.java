package ackline.notice;

import java.time.Instant;
import java.util.Optional;

/**
 * Sends SMS through one provider. Twilio is the first; a mainland provider with uplink replies can be a
 * second implementation.
 */
public interface SmsGateway {

	/** Short name of the provider, kept on each attempt ({@code twilio}). */
	String provider();

	/** The number (or sender id) messages go out from; rate limits apply per sender. */
	String sender();

	/** Hands the message to the provider. @throws SmsSendException with the provider's error code */
	SmsAccepted send(OutgoingSms sms);

	/**
	 * Looks for a message this attempt may already have handed over before a crash (same recipient,
	 * created since {@code since}, body containing {@code marker}), so it is never sent twice.
	 */
	Optional<SmsAccepted> findSent(OutgoingSms sms, String marker, Instant since);

	/**
	 * Asks the provider where a message it took stands, for when its delivery report never came. Empty when
	 * the provider cannot tell.
	 */
	default Optional<SmsStatusReported> fetchStatus(String providerId) {
		return Optional.empty();
	}

	/** An SMS to send; {@code statusCallback} is the URL the provider reports delivery to. */
	record OutgoingSms(long attemptId, String from, String to, String body, String statusCallback) {
	}

	/** The provider took the message: its id, its first status and its response as received. */
	record SmsAccepted(String providerId, String status, String rawResponse) {
	}

}
