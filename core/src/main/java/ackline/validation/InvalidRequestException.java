package ackline.validation;

import java.util.List;

/** A request that cannot be accepted, with every field that is wrong; nothing was written. */
public class InvalidRequestException extends RuntimeException {

	private final String problemType;

	private final List<FieldError> errors;

	/**
	 * @param problemType the problem's type, e.g. {@code invalid-notice}, {@code invalid-callback}
	 * @param errors what is wrong, first the field a person should fix first
	 */
	public InvalidRequestException(String problemType, List<FieldError> errors) {
		super(errors.isEmpty() ? problemType : errors.get(0).field() + ": " + errors.get(0).message());
		this.problemType = problemType;
		this.errors = List.copyOf(errors);
	}

	public String problemType() {
		return problemType;
	}

	public List<FieldError> errors() {
		return errors;
	}

}
