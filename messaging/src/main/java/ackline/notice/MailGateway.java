package ackline.notice;

/** Sends notice emails; the adapter owns the mail technology (Jakarta Mail over SMTP). */
public interface MailGateway {

	/**
	 * Sends the mail and returns it exactly as handed to the mail server (raw RFC 822), for evidence.
	 * @throws MailSendException when the server refuses it or cannot be reached
	 */
	SentMail send(OutgoingMail mail);

	/** A notice email; {@code messageId} is ours (angle brackets included) so replies can be matched. */
	record OutgoingMail(String messageId, String from, String to, String subject, String textBody, String htmlBody) {
	}

	/** What the mail server accepted, byte for byte. */
	record SentMail(String messageId, byte[] raw) {
	}

}
