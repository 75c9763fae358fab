package ackline.phone;

/** A phone number that cannot be normalised; the message says why, for a person to act on. */
public class InvalidPhoneNumberException extends IllegalArgumentException {

	private final String input;

	public InvalidPhoneNumberException(String input, String reason) {
		super("phone number '" + (input == null ? "" : input) + "' " + reason);
		this.input = input;
	}

	public String input() {
		return input;
	}

}
