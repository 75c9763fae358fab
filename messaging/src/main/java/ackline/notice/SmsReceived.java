package ackline.notice;

/** An inbound SMS as the provider posted it, with the request body byte for byte (kept as evidence). */
public record SmsReceived(String provider, String providerId, String from, String to, String body, byte[] raw) {
}
