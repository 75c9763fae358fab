package ackline.sms;

import java.net.URL;
import java.util.List;
import java.util.Map;

import com.twilio.http.HttpMethod;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * The SDK's HTTP client with two changes: requests go to {@code ackline.twilio.api-base-url} when it is
 * set (the SDK itself only knows {@code *.twilio.com}), and each call is made once, because Ackline
 * retries durably from PostgreSQL rather than in memory. The last response's body is kept per thread so
 * it can be stored as evidence exactly as the provider sent it.
 */
class RedirectingHttpClient extends NetworkHttpClient {

	private static final ThreadLocal<String> lastBody = new ThreadLocal<>();

	private final String baseUrl;

	RedirectingHttpClient(HttpClientBuilder builder, String baseUrl) {
		super(builder);
		this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null
				: baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
	}

	@Override
	public Response reliableRequest(Request request) {
		return makeRequest(request);
	}

	@Override
	public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
		return makeRequest(request);
	}

	@Override
	public Response makeRequest(Request request) {
		Response response = super.makeRequest(baseUrl == null ? request : redirect(request));
		String body = response.getContent();
		lastBody.set(body);
		// getContent() consumed the stream: hand the SDK a response it can read again.
		return new Response(body, response.getStatusCode(), response.getHeaders());
	}

	static String takeLastBody() {
		String body = lastBody.get();
		lastBody.remove();
		return body;
	}

	private Request redirect(Request original) {
		URL url = original.constructURL();
		Request copy = new Request(original.getMethod(), baseUrl + url.getPath());
		if (original.requiresAuthentication()) {
			copy.setAuth(original.getUsername(), original.getPassword());
		}
		copy.setContentType(original.getContentType());
		if (original.getBody() != null) {
			copy.setBody(original.getBody());
		}
		for (Map.Entry<String, List<String>> e : original.getQueryParams().entrySet()) {
			e.getValue().forEach(v -> copy.addQueryParam(e.getKey(), v));
		}
		if (original.getMethod() != HttpMethod.GET) {
			for (Map.Entry<String, List<String>> e : original.getPostParams().entrySet()) {
				e.getValue().forEach(v -> copy.addPostParam(e.getKey(), v));
			}
		}
		for (Map.Entry<String, List<String>> e : original.getHeaderParams().entrySet()) {
			e.getValue().forEach(v -> copy.addHeaderParam(e.getKey(), v));
		}
		copy.setUserAgentExtensions(original.getUserAgentExtensions());
		return copy;
	}

}
