package ackline.notice;

import java.util.List;

/** A notice request that cannot be accepted, with every field that is wrong; nothing was written. */
public class NoticeRejected extends RuntimeException {

	private final List<FieldError> errors;

	public NoticeRejected(List<FieldError> errors) {
		super(errors.isEmpty() ? "notice rejected" : errors.get(0).field() + ": " + errors.get(0).message());
		this.errors = List.copyOf(errors);
	}

	public List<FieldError> errors() {
		return errors;
	}

	/** One field and what is wrong with it, in words a person can act on. */
	public record FieldError(String field, String message) {
	}

}
