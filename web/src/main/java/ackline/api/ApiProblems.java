package ackline.api;

import java.net.URI;
import java.util.List;
import java.util.Map;

import ackline.notice.NoticeNotFound;
import ackline.notice.NoticeRejected;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Errors as RFC 9457 problem details, naming the field and saying what to do; a bad request is never a 500.
 */
@RestControllerAdvice(basePackages = "ackline.api")
class ApiProblems extends ResponseEntityExceptionHandler {

	static final String TYPE_BASE = "https://ackline.local/problems/";

	@ExceptionHandler(NoticeRejected.class)
	ProblemDetail rejected(NoticeRejected ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
		problem.setType(URI.create(TYPE_BASE + "invalid-notice"));
		problem.setTitle("The notice cannot be accepted");
		problem.setProperty("field", ex.errors().isEmpty() ? null : ex.errors().get(0).field());
		problem.setProperty("errors", ex.errors());
		return problem;
	}

	@ExceptionHandler(NoticeNotFound.class)
	ProblemDetail notFound(NoticeNotFound ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
		problem.setType(URI.create(TYPE_BASE + "not-found"));
		problem.setTitle("No such notice");
		return problem;
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail typeMismatch(MethodArgumentTypeMismatchException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				ex.getName() + ": '" + ex.getValue() + "' is not a valid "
						+ (ex.getRequiredType() == null ? "value" : ex.getRequiredType().getSimpleName()));
		problem.setType(URI.create(TYPE_BASE + "invalid-parameter"));
		problem.setTitle("Invalid parameter");
		problem.setProperty("field", ex.getName());
		return problem;
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		String field = null;
		String detail = "The request body is not valid JSON";
		Throwable cause = ex.getCause();
		while (cause != null && !(cause instanceof JacksonException)) {
			cause = cause.getCause();
		}
		if (cause instanceof JacksonException jackson) {
			StringBuilder path = new StringBuilder();
			for (JacksonException.Reference ref : jackson.getPath()) {
				if (ref.getPropertyName() != null) {
					path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
				}
				else if (ref.getIndex() >= 0) {
					path.append('[').append(ref.getIndex()).append(']');
				}
			}
			field = path.isEmpty() ? null : path.toString();
			String what = jackson instanceof InvalidFormatException invalid
					? "'" + invalid.getValue() + "' is not a valid " + describe(invalid.getTargetType())
					: firstLine(jackson.getOriginalMessage());
			detail = field == null ? detail + ": " + what : field + ": " + what;
		}
		else if (ex.getMessage() != null && ex.getMessage().contains("Required request body is missing")) {
			detail = "A JSON request body is required";
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setType(URI.create(TYPE_BASE + "unreadable-body"));
		problem.setTitle("Unreadable request body");
		problem.setProperty("field", field);
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	private static String describe(Class<?> type) {
		if (type == null) {
			return "value";
		}
		if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
			return "date-time with offset, e.g. 2026-11-24T15:00:00+08:00";
		}
		if (Boolean.class == type || boolean.class == type) {
			return "boolean (true or false)";
		}
		return type.getSimpleName();
	}

	private static String firstLine(String s) {
		if (s == null) {
			return "invalid value";
		}
		int nl = s.indexOf('\n');
		return nl < 0 ? s : s.substring(0, nl);
	}

	static ProblemDetail tooLarge(long limit) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
				"The request body is larger than " + limit + " bytes; send fewer notices per request");
		problem.setType(URI.create(TYPE_BASE + "body-too-large"));
		problem.setTitle("Request body too large");
		problem.setProperty("field", "body");
		problem.setProperty("limit", limit);
		return problem;
	}


}
