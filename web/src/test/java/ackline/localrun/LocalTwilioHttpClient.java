package ackline.localrun;

import java.net.MalformedURLException;
import java.net.URL;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;

/**
 * The Twilio SDK's own HTTP client, sending every request to a local base URL instead of {@code *.twilio.com}
 * (the SDK has no base-URL setting): same path, query, form, headers and authentication.
 */
final class LocalTwilioHttpClient extends NetworkHttpClient {

	private final String baseUrl;

	/** @param baseUrl {@code http://localhost:PORT}: a host name, not an IP, or the SDK rewrites it for regions */
	LocalTwilioHttpClient(String baseUrl, int maxConnections) {
		super(HttpClientBuilder.create()
			.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
				.setMaxConnTotal(maxConnections)
				.setMaxConnPerRoute(maxConnections)
				.build()));
		this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
	}

	LocalTwilioHttpClient(String baseUrl) {
		this(baseUrl, 20);
	}

	@Override
	public Response makeRequest(Request request) {
		return super.makeRequest(redirect(request));
	}

	private Request redirect(Request original) {
		URL url;
		try {
			url = new URL(original.getUrl());
		}
		catch (MalformedURLException ex) {
			throw new IllegalArgumentException("Twilio SDK built a bad URL: " + original.getUrl(), ex);
		}
		// next_page_uri arrives inside the URL itself, the first page's filters as query parameters
		String target = this.baseUrl + url.getPath() + ((url.getQuery() != null) ? "?" + url.getQuery() : "");
		Request copy = new Request(original.getMethod(), target);
		original.getQueryParams().forEach((name, values) -> values.forEach(value -> copy.addQueryParam(name, value)));
		original.getPostParams().forEach((name, values) -> values.forEach(value -> copy.addPostParam(name, value)));
		original.getHeaderParams()
			.forEach((name, values) -> values.forEach(value -> copy.addHeaderParam(name, value)));
		if (original.getAuthStrategy() != null) {
			copy.setAuth(original.getAuthStrategy());
		}
		else if (original.getUsername() != null) {
			copy.setAuth(original.getUsername(), original.getPassword());
		}
		if (original.getContentType() != null) {
			copy.setContentType(original.getContentType());
		}
		if (original.getBody() != null) {
			copy.setBody(original.getBody());
		}
		if (original.getFormParameters() != null) {
			copy.setFormParameters(original.getFormParameters());
		}
		if (original.getUserAgentExtensions() != null) {
			copy.setUserAgentExtensions(original.getUserAgentExtensions());
		}
		return copy;
	}

}
