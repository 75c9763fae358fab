package ackline.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests: JSON in and out, Basic credentials, signed Twilio webhooks. */
public final class Api {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	public Api(int port) {
		this.base = "http://localhost:" + port;
	}

	public record Reply(int status, String body, Map<String, java.util.List<String>> headers) {

		public JsonNode json() {
			return Api.json.readTree(body);
		}

	}

	public Reply get(String path, String user) {
		return send(request(path, user).GET().build());
	}

	public Reply post(String path, String user, Object body) {
		return post(path, user, body, Map.of());
	}

	public Reply post(String path, String user, Object body, Map<String, String> headers) {
		String text = body instanceof String s ? s : json.writeValueAsString(body);
		HttpRequest.Builder b = request(path, user).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
		headers.forEach(b::header);
		return send(b.build());
	}

	public Reply put(String path, String user, Object body) {
		String text = body instanceof String s ? s : json.writeValueAsString(body);
		return send(request(path, user).header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8))
			.build());
	}

	public Reply form(String path, Map<String, String> form, Map<String, String> headers) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(encode(form)));
		headers.forEach(b::header);
		return send(b.build());
	}

	/** Posts a webhook signed with {@code token} over {@code publicBase + path}, as Twilio would. */
	public Reply twilio(String path, Map<String, String> form, String publicBase, String token) {
		return form(path, form, Map.of("X-Twilio-Signature", ackline.localrun.TwilioSimulator.signature(token, publicBase + path, form)));
	}

	public static String encode(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private HttpRequest.Builder request(String path, String user) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
		if (user != null) {
			b.header("Authorization", "Basic "
					+ Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
		}
		return b;
	}

	private Reply send(HttpRequest request) {
		try {
			HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
			return new Reply(r.statusCode(), r.body(), r.headers().map());
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public static JsonMapper mapper() {
		return json;
	}

}
