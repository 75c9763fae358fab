package ackline.api;

/**
 * The caller's role may use the endpoint, but not on this object: an agent asking for another agent's call, task or
 * client. The API answers 403 with {@code code}.
 */
class AccessRefused extends RuntimeException {

	private final String code;

	AccessRefused(String code, String message) {
		super(message);
		this.code = code;
	}

	String code() {
		return code;
	}

}
