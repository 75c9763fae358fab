package ackline.notice;

/**
 * A delivery report as an SMS provider posted it: its message id, its status word, its error code,
 * and the request body byte for byte (kept as evidence). {@code attemptId} comes from our own callback
 * URL and may be null.
 */
public record SmsStatusReported(String provider, String providerId, Long attemptId, String status, String errorCode,
		byte[] raw) {
}
