package ackline.sms;

import java.util.concurrent.TimeUnit;

import com.twilio.http.TwilioRestClient;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Twilio adapter: the SDK client, the SMS gateway, webhook verification and its health. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TwilioSettings.class)
class TwilioConfiguration {

	private static final Logger log = LoggerFactory.getLogger(TwilioConfiguration.class);

	@Bean
	TwilioWebhooks twilioWebhooks(TwilioSettings settings) {
		return new TwilioWebhooks(settings);
	}

	@Bean
	TwilioHealthIndicator twilioHealthIndicator(TwilioSettings settings) {
		return new TwilioHealthIndicator(settings);
	}

	@Bean
	@ConditionalOnExpression("!'${ackline.twilio.account-sid:}'.isBlank()")
	TwilioSmsGateway twilioSmsGateway(TwilioSettings settings) {
		// No automatic retries in the HTTP client (it would resend on 429 and 503): a resent POST is a second
		// SMS, so retries are Ackline's own, durable and counted.
		HttpClientBuilder http = HttpClientBuilder.create()
			.disableAutomaticRetries()
			.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
				.setMaxConnTotal(settings.maxConnections())
				.setMaxConnPerRoute(settings.maxConnections())
				.setDefaultConnectionConfig(ConnectionConfig.custom()
					.setConnectTimeout(Timeout.of(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS))
					.setSocketTimeout(Timeout.of(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS))
					.build())
				.build())
			.setDefaultRequestConfig(RequestConfig.custom()
				.setResponseTimeout(Timeout.of(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS))
				.build());
		TwilioRestClient client = new TwilioRestClient.Builder(settings.accountSid(), settings.authToken())
			.httpClient(new RedirectingHttpClient(http, settings.apiBaseUrl()))
			.build();
		log.info("SMS through Twilio at {} from {}",
				settings.apiBaseUrl().isBlank() ? "api.twilio.com" : settings.apiBaseUrl(), settings.fromNumber());
		return new TwilioSmsGateway(client, settings);
	}

}
