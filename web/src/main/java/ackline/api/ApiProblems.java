package ackline.api;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ackline.call.PbxUnavailableException;
import ackline.callback.CallbackConflict;
import ackline.callback.CallbackNotFound;
import ackline.evidence.EvidenceTamperedException;
import ackline.evidence.export.ExportExpired;
import ackline.evidence.export.ExportNotFound;
import ackline.evidence.export.ExportNotReady;
import ackline.notice.NoticeNotFound;
import ackline.validation.FieldError;
import ackline.validation.InvalidRequestException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
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
 * Errors as RFC 9457 problem details, naming the field and saying what to do, in the caller's language
 * (Accept-Language; Chinese by default). Each error carries a stable {@code code} for machines. A bad
 * request is never a 500.
 */
@RestControllerAdvice(basePackages = { "ackline.api", "ackline.live" })
class ApiProblems extends ResponseEntityExceptionHandler {

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ApiProblems.class);

	static final String TYPE_BASE = "https://ackline.local/problems/";

	private final MessageSource messages;

	ApiProblems(MessageSource messages) {
		this.messages = messages;
	}

	@ExceptionHandler(InvalidRequestException.class)
	ProblemDetail rejected(InvalidRequestException ex) {
		Locale locale = LocaleContextHolder.getLocale();
		List<Map<String, Object>> errors = ex.errors().stream().map(e -> error(e, locale)).toList();
		String detail = errors.isEmpty() ? "" : errors.get(0).get("field") + ": " + errors.get(0).get("message");
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, ex.problemType(), detail, locale);
		problem.setProperty("field", ex.errors().isEmpty() ? null : ex.errors().get(0).field());
		problem.setProperty("errors", errors);
		return problem;
	}

	/**
	 * A problem whose detail is the message {@code keyPrefix + code} in the caller's language (the English reason when
	 * the bundle has none), with the stable {@code code} for machines.
	 */
	private ProblemDetail coded(HttpStatus status, String type, String keyPrefix, String code, String reason,
			Locale locale) {
		ProblemDetail problem = problem(status, type, messages.getMessage(keyPrefix + code, null, reason, locale), locale);
		problem.setProperty("code", code);
		return problem;
	}

	@ExceptionHandler(NoticeNotFound.class)
	ProblemDetail notFound(NoticeNotFound ex) {
		Locale locale = LocaleContextHolder.getLocale();
		return problem(HttpStatus.NOT_FOUND, "not-found", text("detail.not-found", locale, ex.id()), locale);
	}

	@ExceptionHandler(CallbackNotFound.class)
	ProblemDetail callbackNotFound(CallbackNotFound ex) {
		Locale locale = LocaleContextHolder.getLocale();
		return problem(HttpStatus.NOT_FOUND, "callback-not-found", text("detail.callback-not-found", locale, ex.id()),
				locale);
	}

	@ExceptionHandler(CallbackConflict.class)
	ProblemDetail conflict(CallbackConflict ex) {
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = coded(HttpStatus.CONFLICT, "conflict", "conflict.", ex.code(), ex.getMessage(), locale);
		problem.setProperty("reason", ex.getMessage());
		return problem;
	}

	@ExceptionHandler(AccessRefused.class)
	ProblemDetail refused(AccessRefused ex) {
		Locale locale = LocaleContextHolder.getLocale();
		return coded(HttpStatus.FORBIDDEN, "forbidden", "forbidden.", ex.code(), ex.getMessage(), locale);
	}

	@ExceptionHandler(ExportNotFound.class)
	ProblemDetail exportNotFound(ExportNotFound ex) {
		Locale locale = LocaleContextHolder.getLocale();
		return problem(HttpStatus.NOT_FOUND, "export-not-found", text("detail.export-not-found", locale, ex.id()),
				locale);
	}

	@ExceptionHandler(ExportNotReady.class)
	ProblemDetail exportNotReady(ExportNotReady ex) {
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "export-not-ready",
				text("detail.export-not-ready", locale, ex.id(), ex.state()), locale);
		problem.setProperty("state", ex.state());
		return problem;
	}

	@ExceptionHandler(ExportExpired.class)
	ProblemDetail exportExpired(ExportExpired ex) {
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = problem(HttpStatus.GONE, "export-expired",
				text("detail.export-expired", locale, ex.id(), ex.expiredAt(), ex.keptFor()), locale);
		problem.setProperty("state", "EXPIRED");
		problem.setProperty("expiredAt", ex.expiredAt());
		return problem;
	}

	@ExceptionHandler(PresignedUrlRefused.class)
	ProblemDetail presignedUrlRefused(PresignedUrlRefused ex) {
		Locale locale = LocaleContextHolder.getLocale();
		String type = ex.disabled() ? "presigned-urls-disabled" : "presigned-url-unavailable";
		ProblemDetail problem = problem(ex.disabled() ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT, type,
				text("detail." + type, locale, ex.id()), locale);
		problem.setProperty("code", ex.disabled() ? "presigned-urls.disabled" : "presigned-url.unavailable");
		return problem;
	}

	@ExceptionHandler(PbxUnavailableException.class)
	ResponseEntity<ProblemDetail> pbxUnavailable(PbxUnavailableException ex) {
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "pbx-unavailable",
				text("detail.pbx-unavailable", locale, ex.getMessage()), locale);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
	}

	@ExceptionHandler(EvidenceNotFound.class)
	ProblemDetail evidenceNotFound(EvidenceNotFound ex) {
		Locale locale = LocaleContextHolder.getLocale();
		return problem(HttpStatus.NOT_FOUND, "evidence-not-found", text("detail.evidence-not-found", locale, ex.id()),
				locale);
	}

	@ExceptionHandler(EvidenceRefused.class)
	ProblemDetail evidenceRefused(EvidenceRefused ex) {
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = coded(HttpStatus.CONFLICT, "evidence-refused", "conflict.", ex.code(), ex.getMessage(),
				locale);
		problem.setProperty("evidenceId", ex.id());
		return problem;
	}

	@ExceptionHandler(EvidenceTamperedException.class)
	ProblemDetail evidenceTampered(EvidenceTamperedException ex) {
		log.error("Evidence failed its integrity check on read: {}", ex.getMessage());
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "evidence-tampered",
				text("detail.evidence-tampered", locale), locale);
		problem.setProperty("code", "evidence.tampered");
		return problem;
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail typeMismatch(MethodArgumentTypeMismatchException ex) {
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-parameter", ex.getName() + ": "
				+ text("error.value.invalid", locale, ex.getValue(), describe(ex.getRequiredType(), locale)), locale);
		problem.setProperty("field", ex.getName());
		return problem;
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		Locale locale = LocaleContextHolder.getLocale();
		String field = null;
		String detail = text("detail.unreadable-body", locale);
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
					? text("error.value.invalid", locale, invalid.getValue(), describe(invalid.getTargetType(), locale))
					: text("error.json", locale, firstLine(jackson.getOriginalMessage()));
			detail = field == null ? detail + ": " + what : field + ": " + what;
		}
		else if (ex.getMessage() != null && ex.getMessage().contains("Required request body is missing")) {
			detail = text("detail.body-required", locale);
		}
		ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "unreadable-body", detail, locale);
		problem.setProperty("field", field);
		return handleExceptionInternal(ex, problem, headers, HttpStatus.BAD_REQUEST, request);
	}

	private Map<String, Object> error(FieldError e, Locale locale) {
		Map<String, Object> error = new LinkedHashMap<>();
		error.put("field", e.field());
		error.put("code", e.code());
		error.put("message", messages.getMessage("error." + e.code(), e.args().toArray(), e.message(), locale));
		return error;
	}

	ProblemDetail problem(HttpStatus status, String type, String detail, Locale locale) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_BASE + type));
		problem.setTitle(text("title." + type, locale));
		return problem;
	}

	private String text(String code, Locale locale, Object... args) {
		return messages.getMessage(code, args, code, locale);
	}

	private String describe(Class<?> type, Locale locale) {
		if (type == null) {
			return "";
		}
		if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
			return text("type.datetime", locale);
		}
		if (Boolean.class == type || boolean.class == type) {
			return text("type.boolean", locale);
		}
		if (java.util.UUID.class == type) {
			return text("type.uuid", locale);
		}
		return type.getSimpleName();
	}

	private static String firstLine(String s) {
		if (s == null) {
			return "";
		}
		int nl = s.indexOf('\n');
		return nl < 0 ? s : s.substring(0, nl);
	}

}
