package ackline.notice;

import java.time.Instant;
import java.util.List;

/**
 * An email read from the reply mailbox, decoded.
 *
 * @param messageId the Message-ID header (angle brackets included), or a SHA-256 based stand-in when absent
 * @param from the sender's address, lower case
 * @param subject decoded subject
 * @param inReplyTo the In-Reply-To header, or null
 * @param references the References header split into message ids, oldest first
 * @param text the body as text (HTML converted), decoded from its charset and transfer encoding
 * @param reply {@code text} with the quoted original removed: what the client wrote
 * @param raw the message exactly as the server gave it (RFC 822), for evidence
 * @param receivedAt when the server received it
 */
public record ReceivedMail(String messageId, String from, String subject, String inReplyTo, List<String> references,
		String text, String reply, byte[] raw, Instant receivedAt) {
}
