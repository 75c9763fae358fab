package ackline.validation;

import java.util.List;

/**
 * One field of a request and what is wrong with it: a stable {@code code} for machines and for translation (the web
 * layer renders it in the caller's language from its message bundle, key {@code error.<code>}), the {@code args}
 * that go into that text, and an English {@code message} for logs.
 */
public record FieldError(String field, String code, List<Object> args, String message) {

	public FieldError {
		args = args == null ? List.of() : List.copyOf(args.stream().map(String::valueOf).toList());
	}

	public static FieldError of(String field, String code, String message, Object... args) {
		return new FieldError(field, code, List.of(args), message);
	}

}
