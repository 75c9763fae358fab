package ackline.callback;

/**
 * An action that does not fit the task's, call's or agent's present state (dial a task offered to someone else,
 * dispose a task still on the phone …). The API answers 409 with {@code code}.
 */
public class CallbackConflict extends RuntimeException {

	private final String code;

	public CallbackConflict(String code, String message) {
		super(message);
		this.code = code;
	}

	public String code() {
		return code;
	}

}
