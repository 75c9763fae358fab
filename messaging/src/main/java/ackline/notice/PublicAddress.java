package ackline.notice;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The address clients and providers reach Ackline at ({@code ackline.public-base-url}): acknowledgement
 * links and status callbacks are built from it, and webhook signatures are checked against it.
 */
@ConfigurationProperties("ackline")
public record PublicAddress(@DefaultValue("http://localhost:8080") String publicBaseUrl) {

	/** The public URL of a path such as {@code /ack/abc}. */
	public String url(String pathAndQuery) {
		String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
				: publicBaseUrl;
		return base + pathAndQuery;
	}

}
