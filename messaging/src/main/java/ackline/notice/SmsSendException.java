package ackline.notice;

/** The SMS provider refused a message or could not be reached; keeps the provider's error code. */
public class SmsSendException extends RuntimeException {

	private final String code;

	private final boolean retryable;

	public SmsSendException(String message, String code, boolean retryable, Throwable cause) {
		super(message, cause);
		this.code = code;
		this.retryable = retryable;
	}

	/** The provider's error code (Twilio's 21211, an HTTP status ...), or null for a network failure. */
	public String code() {
		return code;
	}

	/** True for 429, 5xx and time-outs; false for permanent refusals such as an invalid number. */
	public boolean retryable() {
		return retryable;
	}

}
