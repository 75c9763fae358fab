package ackline.notice;

/** The mail server refused a message or could not be reached; {@code retryable} says whether trying again may help. */
public class MailSendException extends RuntimeException {

	private final boolean retryable;

	private final String code;

	public MailSendException(String message, String code, boolean retryable, Throwable cause) {
		super(message, cause);
		this.code = code;
		this.retryable = retryable;
	}

	public boolean retryable() {
		return retryable;
	}

	/** The server's reply code (e.g. SMTP 550), or null when it never answered. */
	public String code() {
		return code;
	}

}
