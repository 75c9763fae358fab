package ackline.api;

import java.net.URI;
import java.util.Locale;

import ackline.evidence.EvidenceTamperedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Problem details for the recordings, audit and evidence endpoints (the rest is {@link ApiProblems}). */
@RestControllerAdvice(basePackages = "ackline.api")
@Order(Ordered.HIGHEST_PRECEDENCE)
class EvidenceProblems {

	private static final Logger log = LoggerFactory.getLogger(EvidenceProblems.class);

	private final MessageSource messages;

	EvidenceProblems(MessageSource messages) {
		this.messages = messages;
	}

	@ExceptionHandler(EvidenceNotFound.class)
	ProblemDetail notFound(EvidenceNotFound ex) {
		Locale locale = LocaleContextHolder.getLocale();
		return problem(HttpStatus.NOT_FOUND, "evidence-not-found", text("detail.evidence-not-found", locale, ex.id()),
				locale);
	}

	@ExceptionHandler(EvidenceRefused.class)
	ProblemDetail refused(EvidenceRefused ex) {
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = problem(HttpStatus.CONFLICT, "evidence-refused",
				messages.getMessage("conflict." + ex.code(), null, ex.getMessage(), locale), locale);
		problem.setProperty("code", ex.code());
		problem.setProperty("evidenceId", ex.id());
		return problem;
	}

	@ExceptionHandler(EvidenceTamperedException.class)
	ProblemDetail tampered(EvidenceTamperedException ex) {
		log.error("Evidence failed its integrity check on read: {}", ex.getMessage());
		Locale locale = LocaleContextHolder.getLocale();
		ProblemDetail problem = problem(HttpStatus.INTERNAL_SERVER_ERROR, "evidence-tampered",
				text("detail.evidence-tampered", locale), locale);
		problem.setProperty("code", "evidence.tampered");
		return problem;
	}

	private ProblemDetail problem(HttpStatus status, String type, String detail, Locale locale) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(ApiProblems.TYPE_BASE + type));
		problem.setTitle(text("title." + type, locale));
		return problem;
	}

	private String text(String code, Locale locale, Object... args) {
		return messages.getMessage(code, args, code, locale);
	}

}
