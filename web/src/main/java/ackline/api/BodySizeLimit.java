package ackline.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API bodies over the configured size with 413 and a problem detail, before anything is parsed:
 * by Content-Length when it is given, while reading otherwise.
 */
class BodySizeLimit extends OncePerRequestFilter {

	private final long single;

	private final long batch;

	private final JsonMapper json = JsonMapper.builder().build();

	private final MessageSource messages;

	private final LocaleResolver locales;

	BodySizeLimit(long single, long batch, MessageSource messages, LocaleResolver locales) {
		this.single = single;
		this.batch = batch;
		this.messages = messages;
		this.locales = locales;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/api/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long limit = request.getRequestURI().endsWith("/batch") ? batch : single;
		if (request.getContentLengthLong() > limit) {
			refuse(request, response, limit);
			return;
		}
		LimitedRequest limited = new LimitedRequest(request, limit);
		try {
			chain.doFilter(limited, response);
		}
		catch (ServletException | RuntimeException ex) {
			if (!limited.exceeded || response.isCommitted()) {
				throw ex;
			}
			response.reset();
			refuse(request, response, limit);
		}
		if (limited.exceeded && !response.isCommitted()) {
			response.reset();
			refuse(request, response, limit);
		}
	}

	private void refuse(HttpServletRequest request, HttpServletResponse response, long limit) throws IOException {
		Locale locale = locales.resolveLocale(request);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", ApiProblems.TYPE_BASE + "body-too-large");
		body.put("title", messages.getMessage("title.body-too-large", null, "Request body too large", locale));
		body.put("status", HttpStatus.CONTENT_TOO_LARGE.value());
		body.put("detail", messages.getMessage("detail.body-too-large", new Object[] { limit },
				"The request body is larger than " + limit + " bytes", locale));
		body.put("instance", request.getRequestURI());
		body.put("field", "body");
		body.put("limit", limit);
		response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(json.writeValueAsBytes(body));
	}

	private static final class LimitedRequest extends HttpServletRequestWrapper {

		private final long limit;

		private volatile boolean exceeded;

		private ServletInputStream stream;

		LimitedRequest(HttpServletRequest request, long limit) {
			super(request);
			this.limit = limit;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (stream == null) {
				ServletInputStream in = super.getInputStream();
				stream = new ServletInputStream() {
					private long count;

					@Override
					public int read() throws IOException {
						int b = in.read();
						if (b >= 0) {
							check(1);
						}
						return b;
					}

					@Override
					public int read(byte[] buf, int off, int len) throws IOException {
						int n = in.read(buf, off, len);
						if (n > 0) {
							check(n);
						}
						return n;
					}

					private void check(int n) throws IOException {
						count += n;
						if (count > limit) {
							exceeded = true;
							throw new IOException("request body larger than " + limit + " bytes");
						}
					}

					@Override
					public boolean isFinished() {
						return in.isFinished();
					}

					@Override
					public boolean isReady() {
						return in.isReady();
					}

					@Override
					public void setReadListener(ReadListener listener) {
						in.setReadListener(listener);
					}
				};
			}
			return stream;
		}

	}

}
