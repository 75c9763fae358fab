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

	/**
	 * One field and what is wrong with it: a stable {@code code} for machines and for translation (the web
	 * layer renders it in the caller's language from its message bundle), the {@code args} that go into
	 * that text, and an English {@code message} for logs.
	 */
	public record FieldError(String field, String code, List<Object> args, String message) {

		public FieldError {
			args = args == null ? List.of() : List.copyOf(args.stream().map(String::valueOf).toList());
		}

		public static FieldError of(String field, String code, String message, Object... args) {
			return new FieldError(field, code, List.of(args), message);
		}
	}

}
